import type { Bindings, Logger } from "pino";

/**
 * A child logger bound to `component` (and `bindings`), with each key once. pino
 * appends a child's bindings to its parent's as they are, so a part handed its
 * owner's logger (a router's dispatcher, the alert manager's log notifier) that
 * bound `component` again wrote `"component":"router","component":"router"` on
 * every line. When the parent already carries this component only the other
 * bindings are added; keys the parent already has are never bound twice.
 */
export function componentLogger(parent: Logger, component: string, bindings: Bindings = {}): Logger {
  const bound = parent.bindings();
  const add: Bindings = {};
  let n = 0;
  if (bound.component === undefined) {
    add.component = component;
    n++;
  } else if (bound.component !== component) {
    // Owned by another component: say which part this is without a second `component`.
    add.part = component;
    n++;
  }
  for (const [k, v] of Object.entries(bindings)) {
    if (k in bound) continue;
    add[k] = v;
    n++;
  }
  return n === 0 ? parent : parent.child(add);
}
