import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { call, startSidecar } from "../helpers/sidecar.js";

/** Where the test leaves its screenshot (gitignored). */
const SHOTS = fileURLToPath(new URL("../.tmp/", import.meta.url));

test("the status page in headless Chromium: a component goes DOWN and back UP without a reload; a screenshot is saved", async () => {
  const s = await startSidecar(`router:
  destinations: [{ name: consumers, kind: subscriber }]
  routes: [{ match: { topic: ">" }, to: [consumers] }]
`);
  const profile = await mkdtemp(join(tmpdir(), "vigil-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const beat = () =>
    call(s.client.heartbeat.Beat.bind(s.client.heartbeat), {
      component: "payments-worker",
      interval: { seconds: 1 },
      grace: { nanos: 500_000_000 },
      message: "polling the exchange",
    });
  let beating: NodeJS.Timeout | null = null;
  try {
    await beat();
    beating = setInterval(() => void beat().catch(() => undefined), 300);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") blocked.push(m.text());
    });
    await page.goto(s.httpUrl);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as unknown as { vigilTestMark: number }).vigilTestMark = 42;
    });
    const row = page.locator("#components tr", { hasText: "payments-worker" });
    await row.getByText("UP", { exact: true }).waitFor({ timeout: 10_000 });

    clearInterval(beating);
    beating = null;
    await row.getByText("DOWN", { exact: true }).waitFor({ timeout: 15_000 });
    // UP → DOWN, or UP → LATE → DOWN when an evaluation falls inside the grace period.
    await page
      .locator("#changes")
      .getByText(/→ DOWN$/)
      .first()
      .waitFor({ timeout: 5000 });

    beating = setInterval(() => void beat().catch(() => undefined), 300);
    await row.getByText("UP", { exact: true }).waitFor({ timeout: 10_000 });
    await page.locator("#changes").getByText("DOWN → UP").first().waitFor({ timeout: 5000 });
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { vigilTestMark?: number }).vigilTestMark),
      42,
      "the page was updated in place, never reloaded",
    );
    assert.match((await page.locator("#refreshed").textContent()) ?? "", /^live, updated/);
    assert.ok(
      await page.locator("#destinations").getByText("consumers").isVisible(),
      "destinations are shown",
    );
    assert.deepEqual(blocked, [], "no script or fetch was blocked by the page's CSP");

    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "status-page.png"), fullPage: true });
  } finally {
    if (beating) clearInterval(beating);
    await browser.close();
    await rm(profile, { recursive: true, force: true });
    await s.close();
  }
});

test("the status page without JavaScript: the basics are in the HTML, with a meta refresh; a CSP allows only its own script", async () => {
  const s = await startSidecar("");
  try {
    await call(s.client.heartbeat.Beat.bind(s.client.heartbeat), { component: "no-js-worker" });
    const res = await fetch(s.httpUrl);
    const html = await res.text();
    assert.match(html, /<noscript><meta http-equiv="refresh" content="5"><\/noscript>/);
    assert.match(html, /no-js-worker<\/td><td><span class="badge"[^>]*>UP</);
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(html, /<script src=|<link /, "no external assets");
  } finally {
    await s.close();
  }
});
