import type { ConfigChange__Output } from "../generated/vigil/v1/ConfigChange.js";

/** One line per change of a DiffConfig/Rollback/Import answer: `~ path: before → after`. */
export function formatChanges(changes: readonly ConfigChange__Output[]): string {
  if (changes.length === 0) return "no changes";
  return changes
    .map((c) => {
      if (c.kind === "CHANGE_KIND_ADDED") return `+ ${c.path}: ${c.after}`;
      if (c.kind === "CHANGE_KIND_REMOVED") return `- ${c.path}: ${c.before}`;
      return `~ ${c.path}: ${c.before} → ${c.after}`;
    })
    .join("\n");
}
