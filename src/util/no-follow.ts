import { constants, realpathSync } from "node:fs";
import { sep } from "node:path";

/**
 * open(2) flags of every file Vigil appends to (its log files, the `log` destination, dead
 * letters): append, create if missing, and never through a symlink at the file's own name — one
 * planted there fails with ELOOP instead of sending Vigil's writes to wherever it points.
 */
export const APPEND_NO_FOLLOW =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Mode of the files Vigil creates in its data dir: its owner's only. */
export const FILE_MODE = 0o600;

/**
 * A path refused because of a symlink: at the file's name, or one that leads a directory out of
 * the data dir. `code` is ELOOP, as open(2) says with O_NOFOLLOW, so callers see one errno.
 */
export class RefusedPathError extends Error {
  readonly code = "ELOOP";
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = "RefusedPathError";
    this.path = path;
  }
}

/** `e` as the clear error of a refused symlink when open(2) said ELOOP; otherwise `e` unchanged. */
export function refusedSymlink(path: string, e: unknown): unknown {
  if ((e as NodeJS.ErrnoException | null)?.code !== "ELOOP") return e;
  return new RefusedPathError(
    path,
    `${path} is a symlink; Vigil does not follow symlinks for the files it writes (remove it)`,
  );
}

/**
 * Throws unless the real path of `dir` is `root`'s or below it: a directory of the data dir
 * swapped for a symlink that leads out of it is refused. Checked when a file is (re)opened, not per
 * write; O_NOFOLLOW covers the file's own name.
 */
export function assertInside(root: string, dir: string): void {
  const realRoot = realpathSync(root);
  const real = realpathSync(dir);
  if (real !== realRoot && !real.startsWith(realRoot + sep))
    throw new RefusedPathError(
      dir,
      `${dir} leads out of the data dir (a symlink?); Vigil writes only inside it (remove the link)`,
    );
}
