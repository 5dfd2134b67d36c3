import assert from "node:assert/strict";
import { test } from "node:test";
import { call, startSidecar } from "../helpers/sidecar.js";

/**
 * Components that send the most the Beat API allows (64 attributes of 4 KiB, a 4 KiB message, FAILING
 * so every beat is kept as an error) once made /status.json 308 MB for 1,000 of them. What Vigil keeps
 * per component and what one render lists are both bounded now.
 */
test("/status.json and the status page stay small when many components send the largest beats allowed", async () => {
  const s = await startSidecar();
  try {
    const attributes = Object.fromEntries(
      Array.from({ length: 64 }, (_, i) => [`attribute.${i}`, "a".repeat(4096)]),
    );
    const message = "m".repeat(4096);
    const n = 300;
    for (let i = 0; i < n; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          Promise.all(
            Array.from({ length: 3 }, () =>
              call(s.client.heartbeat.Beat.bind(s.client.heartbeat), {
                component: `worker-${i + j}`,
                health: "HEALTH_FAILING",
                message,
                attributes,
              }),
            ),
          ),
        ),
      );
    const json = await fetch(`${s.httpUrl}/status.json`);
    const body = await json.text();
    assert.ok(body.length < 4 * 1024 * 1024, `/status.json is ${body.length} bytes`);
    const page = JSON.parse(body) as { components: unknown[]; page: { components: number } };
    assert.equal(page.components.length, 200);
    assert.equal(page.page.components, n, "the total is told");
    const html = await (await fetch(`${s.httpUrl}/`)).text();
    assert.ok(html.length < 2 * 1024 * 1024, `the status page is ${html.length} bytes`);

    // Six readers at once: each is answered in full or told to come back, none waits on the others.
    const results = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await fetch(`${s.httpUrl}/status.json?offset=100`);
        return { status: res.status, retry: res.headers.get("retry-after"), size: (await res.text()).length };
      }),
    );
    for (const r of results) {
      if (r.status === 503) assert.equal(r.retry, "1");
      else {
        assert.equal(r.status, 200);
        assert.ok(r.size < 4 * 1024 * 1024);
      }
    }
    assert.ok(results.some((r) => r.status === 200));
  } finally {
    await s.close();
  }
});
