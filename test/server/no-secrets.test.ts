import assert from "node:assert/strict";
import { test } from "node:test";
import { call, startSidecar } from "../helpers/sidecar.js";

const SECRET = "s3cret-value-never-shown-0123456789";

test("secrets from ${env:…} references never reach the HTTP port, GetStatus, Diagnose, config exports or the log", async () => {
  const t = await startSidecar(
    `router:
  destinations:
    - { name: crm, kind: http, url: "http://127.0.0.1:9/hook", headers: { Authorization: "Bearer \${env:CRM_TOKEN}" } }
alerts:
  notifiers: [{ kind: webhook, url: "http://127.0.0.1:9/alerts", headers: { X-Token: "\${env:CRM_TOKEN}" } }]
  rules: [{ name: Down, kind: heartbeat }]
`,
    { env: { CRM_TOKEN: SECRET } },
  );
  try {
    const seen: string[] = [];
    for (const path of ["/", "/status.json", "/metrics", "/healthz", "/readyz"])
      seen.push(await (await fetch(`${t.httpUrl}${path}`)).text());
    seen.push(JSON.stringify(await call(t.client.admin.GetStatus.bind(t.client.admin), {})));
    seen.push(JSON.stringify(await call(t.client.admin.Diagnose.bind(t.client.admin), {})));
    seen.push(JSON.stringify(await call(t.client.admin.ExportConfig.bind(t.client.admin), {})));
    await t.sidecar.stop();
    seen.push(JSON.stringify(t.logs));
    for (const text of seen) assert.ok(!text.includes(SECRET), `secret shown in: ${text.slice(0, 200)}`);
    assert.ok(seen[1]?.includes("crm"), "the destination itself is shown");
  } finally {
    await t.close();
  }
});
