import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { DestinationServer } from "../helpers/destination-server.js";
import { call, eventually, startSidecar } from "../helpers/sidecar.js";

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

test("the status page in headless Chromium at 1280 and 390 px: a firing alert turns the badge, charts show a destination's rate, components have an hour strip", async () => {
  const crm = await new DestinationServer().start();
  // One request in four fails: the chart has failed bars too, the breaker (5 in a row) stays closed.
  crm.behave = (_r, n) => (n % 4 === 3 ? { status: 503 } : { status: 200 });
  const s = await startSidecar(`alerts:
  evaluation_interval: 100ms
  rules:
    - { name: SlowReplies, kind: threshold, metric: bot.queue.size, op: ">", value: 10, severity: warning }
  notifiers: [{ kind: log }]
router:
  destinations:
    - { name: archive, kind: log, path: logs/messages.jsonl }
    - { name: crm, kind: http, url: "${crm.url}", retry: { initial: "20ms", max: "50ms" } }
  routes: [{ match: { topic: "orders.>" }, to: [archive, crm] }]
`);
  const profile = await mkdtemp(join(tmpdir(), "vigil-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
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
  const beat = (component: string) =>
    call(s.client.heartbeat.Beat.bind(s.client.heartbeat), { component, interval: { seconds: 30 } });
  try {
    await beat("payments-worker");
    await beat("reply-bot");
    // The hour before this test, as the sidecar's own strips would have recorded it: reply-bot was
    // LATE 40 minutes ago and DOWN for three minutes from 20 minutes ago, UP in between.
    const minute = 60_000;
    const now = Date.now();
    for (let m = 45; m >= 1; m--)
      s.sidecar.strips.record(
        "reply-bot",
        m === 40 ? "LATE" : m <= 20 && m > 17 ? "DOWN" : "UP",
        now - m * minute,
      );
    const page = browser.pages()[0] ?? (await browser.newPage());
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") blocked.push(m.text());
    });
    await page.goto(s.httpUrl);
    const badge = page.locator("h1 .badge.overall");
    assert.equal(await badge.textContent(), "HEALTHY");

    for (let i = 0; i < 120; i++)
      await call(s.client.router.Publish.bind(s.client.router), {
        topic: "orders.new",
        payload: Buffer.from(JSON.stringify({ order: i })),
      });
    await call(s.client.metrics.Record.bind(s.client.metrics), {
      points: [{ name: "bot.queue.size", kind: "METRIC_KIND_GAUGE", value: 50 }],
    });
    // Live, without a reload: the alert fires and the badge turns.
    await page.locator("h1 .badge.overall", { hasText: "DEGRADED" }).waitFor({ timeout: 10_000 });
    await page.locator("#reasons").getByText("alert SlowReplies firing (warning)").waitFor();

    const archive = page.locator('#traffic [data-destination="archive"]');
    await archive.locator("path.delivered").first().waitFor({ timeout: 10_000 });
    const delivered1m = await archive
      .locator("table.rates tbody tr")
      .first()
      .locator("td")
      .first()
      .textContent();
    assert.ok(Number(delivered1m) > 0, `archive delivered/s over 1 min: ${delivered1m}`);
    const crmCard = page.locator('#traffic [data-destination="crm"]');
    await crmCard.locator("path.failed").first().waitFor({ timeout: 10_000 });
    const crmRow = await crmCard.locator("table.rates tbody tr").first().locator("td").allTextContents();
    assert.ok(Number(crmRow[1]) > 0, `crm failed/s over 1 min: ${crmRow[1]}`);
    assert.match(crmRow[2] ?? "", /\d+(\.\d+)? (ms|s)$/, "a p50 latency");

    const strip = page.locator("#components tr", { hasText: "payments-worker" }).locator("svg.strip");
    await strip.waitFor();
    assert.ok((await strip.locator('rect[data-state="UP"]').count()) >= 1, "this minute is UP");
    assert.ok(
      (await strip.locator("rect:not([data-state])").count()) >= 1,
      "the minutes before have no data",
    );
    const flips = page.locator("#components tr", { hasText: "reply-bot" }).locator("svg.strip rect");
    assert.deepEqual(
      (await flips.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state")))).filter(Boolean),
      ["UP", "LATE", "UP", "DOWN", "UP"],
      "reply-bot's flip history, oldest first",
    );
    const down = flips.filter({ has: page.locator("title", { hasText: "DOWN" }) });
    assert.equal(await down.getAttribute("data-minutes"), "3");

    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "status-page-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
          .documentElement.scrollWidth,
    );
    assert.ok(overflow <= 390, `nothing wider than a phone's screen (page is ${overflow} px wide)`);
    await page.screenshot({ path: join(SHOTS, "status-page-390.png"), fullPage: true });
    assert.deepEqual(blocked, [], "no script or fetch was blocked by the page's CSP");
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
    await s.close();
    await crm.stop();
  }
});

test("a destination's last fault shows with its time while it is failing and clears once it recovers", async () => {
  const crm = await new DestinationServer().start();
  crm.behave = () => ({ status: 500 });
  const s = await startSidecar(`router:
  destinations:
    - name: crm
      kind: http
      url: "${crm.url}"
      retry: { initial: "20ms", max: "50ms" }
      circuit_breaker: { consecutive_failures: 1, half_open_after: "300ms" }
  routes: [{ match: { topic: ">" }, to: [crm] }]
`);
  const faultCell = async () => {
    const html = await (await fetch(s.httpUrl)).text();
    const row = /<table id="destinations">[\s\S]*?<tr><td>crm<\/td>([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? "";
    return /<td>([^<]*<time[\s\S]*?)<\/td>$/.exec(row)?.[1] ?? (row.endsWith("<td></td>") ? "" : row);
  };
  try {
    await call(s.client.router.Publish.bind(s.client.router), { topic: "a", payload: Buffer.from("{}") });
    const failing = await eventually(async () =>
      (await faultCell()).includes("<time") ? faultCell() : null,
    );
    assert.match(
      failing,
      /<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/time> transient: /,
    );
    crm.behave = () => ({ status: 200 });
    await eventually(async () => crm.received.length > 0, 10_000, "the message delivered after recovery");
    await eventually(async () => (await faultCell()) === "", 5000, "the fault cleared");
  } finally {
    await s.close();
    await crm.stop();
  }
});
