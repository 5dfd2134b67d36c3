import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pino from "pino";
import { openSqlite, openWriter, queuePragmas } from "../../src/util/sqlite.js";

test("a queue file's connections (the main thread's and the writer's) keep a 2 MiB page cache, WAL and the durability asked for", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-sqlite-"));
  const path = join(dir, "q.db");
  const main = openSqlite({
    path,
    migrations: ["CREATE TABLE q (seq INTEGER PRIMARY KEY)"],
    pragmas: queuePragmas("normal"),
    logger: pino({ level: "silent" }),
    corruptMessage: "corrupt",
  });
  const writer = openWriter(path, "full");
  try {
    // better-sqlite3's own default is 16 MiB (-16000) per connection.
    assert.equal(main.pragma("cache_size", { simple: true }), -2048);
    assert.equal(writer.pragma("cache_size", { simple: true }), -2048);
    assert.equal(writer.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(writer.pragma("synchronous", { simple: true }), 2); // FULL
  } finally {
    writer.close();
    main.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a symlink planted at a database's name is refused, and what it points to is left as it was", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-sqlite-"));
  const target = join(dir, "elsewhere.txt");
  await writeFile(target, "not Vigil's", { mode: 0o644 });
  await chmod(target, 0o644);
  await symlink(target, join(dir, "q.db"));
  try {
    assert.throws(
      () =>
        openSqlite({
          path: join(dir, "q.db"),
          migrations: ["CREATE TABLE q (seq INTEGER PRIMARY KEY)"],
          pragmas: queuePragmas("normal"),
          logger: pino({ level: "silent" }),
          corruptMessage: "corrupt",
        }),
      /q\.db is a symlink; Vigil does not follow symlinks/,
    );
    assert.equal(await readFile(target, "utf8"), "not Vigil's");
    assert.equal((await stat(target)).mode & 0o777, 0o644);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
