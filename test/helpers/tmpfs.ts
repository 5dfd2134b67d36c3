import { type ChildProcess, spawn } from "node:child_process";
import { ROOT } from "./process.js";

/**
 * A real small file system for disk-full tests that outlives one Vigil process: a tmpfs of `bytes`
 * mounted on `dir` in a mount namespace of its own (`unshare -rm`: as root here, elsewhere an
 * unprivileged user namespace does it), held by a `sleep`. Vigil runs inside it through `wrap()`
 * (`nsenter` into the holder's namespaces), so a restart finds the files the last run left. Nothing
 * outside sees the mount, and it goes away with the holder, even if the test dies.
 */
export class TmpfsNamespace {
  readonly dir: string;
  readonly bytes: number;
  #holder: ChildProcess | null = null;

  constructor(dir: string, bytes: number) {
    this.dir = dir;
    this.bytes = bytes;
  }

  async start(): Promise<this> {
    const holder = spawn(
      "unshare",
      [
        "-rm",
        "sh",
        "-c",
        `mount -t tmpfs -o size=${this.bytes} tmpfs "$0" && echo ready && exec sleep 100000`,
        this.dir,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#holder = holder;
    let err = "";
    holder.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) resolve();
      });
      holder.on("exit", (code) => reject(new Error(`cannot mount a tmpfs (exit ${code}): ${err}`)));
    });
    return this;
  }

  /**
   * The command line that runs a program in the holder's namespaces (see spawnVigil's `wrap`), in
   * the repository's directory (nsenter would start it in `/`, where tsx is not found).
   */
  wrap(): string[] {
    const pid = this.#holder?.pid;
    if (!pid) throw new Error("tmpfs namespace not started");
    return ["nsenter", "-t", String(pid), "-U", "-m", "--preserve-credentials", `--wd=${ROOT}`, "--"];
  }

  /** The mounted directory as this process sees it (through the holder's root). */
  path(rel = ""): string {
    return `/proc/${this.#holder?.pid}/root${this.dir}${rel ? `/${rel}` : ""}`;
  }

  stop(): void {
    this.#holder?.kill("SIGKILL");
    this.#holder = null;
  }
}
