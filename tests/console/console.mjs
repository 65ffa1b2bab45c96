// The operator console in Debian's headless Chromium, driven by
// playwright-core: opswall runs offscreen with its control API on
// loopback over HTTPS (a CA and a certificate for 127.0.0.1 made now with
// the openssl CLI); the page (served by opswall) is opened with the token
// in its fragment, and an operator's clicks must change the wall's state.
// Node trusts the test CA (NODE_EXTRA_CA_CERTS: this script runs itself
// again with it); Chromium trusts the wall's key alone
// (--ignore-certificate-errors-spki-list, its SPKI hash): verification
// stays on for everything else.
//   node console.mjs OPSWALL SOURCE_DIR
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

if (!process.env.OPSWALL_CONSOLE_PKI) {
  const pki = mkdtempSync(join(tmpdir(), "opswall-console-pki-"));
  const ssl = (...a) => execFileSync("openssl", a, { cwd: pki, stdio: "ignore" });
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-days", "2", "-subj", "/CN=opswall console test CA");
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "wall.key", "-out", "wall.csr",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
  ssl("x509", "-req", "-in", "wall.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
    "-CAcreateserial", "-days", "2", "-copy_extensions", "copy", "-out", "wall.pem");
  const spki = execFileSync("sh", ["-c",
    "openssl x509 -in wall.pem -pubkey -noout | openssl pkey -pubin -outform der | " +
    "openssl dgst -sha256 -binary | base64"], { cwd: pki }).toString().trim();
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, OPSWALL_CONSOLE_PKI: pki, OPSWALL_CONSOLE_SPKI: spki,
      NODE_EXTRA_CA_CERTS: join(pki, "ca.pem") },
  });
  rmSync(pki, { recursive: true, force: true });
  process.exit(r.status === null ? 1 : r.status);
}
const pki = process.env.OPSWALL_CONSOLE_PKI;
const { chromium } = await import("playwright-core");

const [opswall, srcDir] = process.argv.slice(2);
const token = "console-test-token-0123456789";   // admin
const viewerToken = "console-viewer-token-0123456789";
const operatorToken = "console-operator-token-0123456789";
const port = 23000 + (process.pid % 2000);
const base = `https://127.0.0.1:${port}`;
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.error(`FAIL: ${what}`); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function state() {
  const r = await fetch(`${base}/api/state`, { headers: { Authorization: `Bearer ${token}` } });
  return r.json();
}
async function until(pred, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const s = await state();
    if (pred(s) || Date.now() > end) return s;
    await sleep(100);
  }
}

const dir = mkdtempSync(join(tmpdir(), "opswall-console-"));
const tokenFile = join(dir, "tokens");
writeFileSync(tokenFile, `viewer ${viewerToken}\noperator ${operatorToken}\nadmin ${token}\n`,
  { mode: 0o600 });
const env = { ...process.env, OPSWALL_DATADIR: resolve(srcDir) };
delete env.OPSWALL_CONTROL_TOKEN;
const wall = spawn(opswall, ["run", resolve(srcDir, "tests/layouts/good/briefing.json"),
  "--offscreen", "--scale", "0.25", "--at", "2026-11-22T09:15:00+07:00",
  "--control", `127.0.0.1:${port}`, "--record", join(dir, "record"),
  "--control-token-file", tokenFile,
  "--control-tls-cert", join(pki, "wall.pem"), "--control-tls-key", join(pki, "wall.key")], {
  env,
  stdio: ["ignore", "ignore", "inherit"],
});
let browser;
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    await sleep(100);
  }
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      `--ignore-certificate-errors-spki-list=${process.env.OPSWALL_CONSOLE_SPKI}`,
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const outside = [];
  const errors = [];
  const watch = (p) => {
    p.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("blob:")) outside.push(r.url()); });
    p.on("pageerror", (e) => errors.push(String(e)));
  };

  // A wrong token: the page says so and changes nothing.
  const bad = await (await browser.newContext()).newPage();
  watch(bad);
  await bad.goto(`${base}/#token=wrong-token-0123456789`);
  await bad.waitForFunction(() => document.getElementById("msg").textContent.length > 0);
  check((await bad.textContent("#msg")).includes("Mã truy cập không đúng"), "wrong token reported");
  // And not tried again: a tab left open with an old token must not hold
  // its address back (10 failures a minute).
  let badTries = 0;
  bad.on("request", (r) => { if (r.url().includes("/api/")) badTries++; });
  await sleep(5600);
  check(badTries === 0, `a refused token is not tried again (${badTries} requests)`);
  await bad.context().close();
  check((await state()).scene === "ban-do", "nothing changed");

  const page = await (await browser.newContext()).newPage();
  watch(page);
  await page.goto(`${base}/#token=${token}`);
  check(!page.url().includes("token="), "the token leaves the address bar");
  await page.waitForSelector('button[data-scene="ban-do-34"]');
  check(await page.isVisible("#preview"), "preview shown");
  const rows = await page.$$eval("#sources tr", (trs) => trs.map((t) => t.textContent));
  check(rows.length === 2 && rows[0].includes("t63") && rows[0].includes("đúng hạn"), `sources listed: ${rows}`);

  // Scenes.
  await page.click('button[data-scene="ban-do-34"]');
  let s = await until((x) => x.scene === "ban-do-34");
  check(s.scene === "ban-do-34", "clicking a scene switches the wall");
  await page.waitForSelector('button.current[data-scene="ban-do-34"]');
  check(true, "the current scene is marked");
  await page.click("#next");
  s = await until((x) => x.scene === "ban-do");
  check(s.scene === "ban-do", "next scene (wraps)");

  // Briefing aids.
  await page.fill("#province", "Đà Nẵng");
  await page.click("#hl-go");
  s = await until((x) => x.highlight === "Đà Nẵng");
  check(s.highlight === "Đà Nẵng", "highlight from the console");
  await page.click("#freeze");
  s = await until((x) => x.frozen_at);
  check(!!s.frozen_at, "freeze from the console");
  await page.waitForFunction(() => document.getElementById("frozen").textContent.includes("Đã cố định"));
  check(true, "the console shows the freeze");
  await page.click("#release");
  s = await until((x) => !x.frozen_at);
  check(!s.frozen_at, "release");
  await page.fill("#notice", "Mời đồng chí Chủ tịch tỉnh phát biểu");
  await page.fill("#seconds", "30");
  await page.click("#notice-go");
  s = await until((x) => x.notice);
  check(s.notice === "Mời đồng chí Chủ tịch tỉnh phát biểu", "notice from the console");
  await page.selectOption("#focus", "m63");
  await page.click("#focus-go");
  s = await until((x) => x.focus === "m63");
  check(s.focus === "m63", "focus from the console");
  await page.click("#focus-off");
  s = await until((x) => x.focus === null);
  check(s.focus === null, "focus released");
  await page.waitForFunction(() => document.getElementById("msg").textContent.startsWith("Đã thực hiện"));
  check(true, "results reported");

  // Xem lại: frames from the record; the live wall is not touched.
  const before = await state();
  await sleep(1500); /* the journal syncs within a second */
  await page.$eval("#rec-events", (e) => { e.textContent = ""; });
  await page.$eval("#rec-at", (e) => { e.textContent = ""; });
  await page.click("#rec-load");
  await page.waitForFunction(() => document.querySelectorAll("#rec-events li").length > 0 &&
    document.getElementById("rec-at").textContent.startsWith("Hình trên tường"), null, { timeout: 30000 });
  const evs = await page.$$eval("#rec-events li", (lis) => lis.map((l) => l.dataset.kind + " " + l.textContent));
  check(evs.some((e) => e.startsWith("freeze") && e.includes("Dừng số liệu")), `the freeze is in the timeline: ${evs.slice(0, 8)}`);
  check(evs.some((e) => e.startsWith("scene")), "scene changes are in the timeline");
  check(evs.some((e) => e.includes("/api/highlight")), "operators' commands are in the timeline");
  check(await page.$$eval("#rec-marks span", (m) => m.length) === evs.length, "each event is marked on the slider");
  check(await page.$eval("#rec-span", (e) => e.textContent.startsWith("Bản ghi từ")), "the record's span is said");
  await page.click('#rec-events li[data-kind="freeze"]');
  await page.waitForFunction(() => document.querySelector('#rec-events li.current[data-kind="freeze"]') &&
    document.getElementById("rec-at").textContent.startsWith("Hình trên tường") &&
    document.getElementById("rec-frame").naturalWidth > 0, null, { timeout: 30000 });
  const frozenAt = Number(await page.$eval('#rec-events li[data-kind="freeze"]', (l) => l.dataset.at));
  check(Number(await page.$eval("#rec-slider", (e) => e.value)) === frozenAt, "the slider goes to the event");
  check(await page.$eval("#rec-frame", (i) => i.naturalWidth) === 960, "the frame of that moment, at half scale");
  await page.click("#rec-fwd");
  await page.waitForFunction((t) => Number(document.getElementById("rec-slider").value) !== t &&
    document.getElementById("rec-at").textContent.startsWith("Hình trên tường"), frozenAt, { timeout: 30000 });
  check(true, "ten seconds on");
  // Another window: the 24 hours up to just after the freeze.
  const end = await page.evaluate((t) => wallInput(t), frozenAt + 1000);
  await page.fill("#rec-end", end);
  await page.$eval("#rec-events", (e) => { e.textContent = ""; });
  await page.click("#rec-window");
  await page.waitForFunction(() => document.querySelectorAll("#rec-events li").length > 0, null, { timeout: 30000 });
  const ats = await page.$$eval("#rec-events li", (lis) => lis.map((l) => Number(l.dataset.at)));
  check(Math.max(...ats) <= frozenAt + 1000 && ats.includes(frozenAt), `a window ending after the freeze: ${ats.length} events up to it`);

  const after = await state();
  check(after.scene === before.scene && after.focus === before.focus &&
    after.frozen_at === before.frozen_at && after.highlight === before.highlight,
    "Xem lại changes nothing on the wall");

  // Roles: a viewer is offered no command, an operator no reload.
  const home = await fetch(`${base}/`);
  const csp = home.headers.get("content-security-policy") || "";
  check(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline") &&
    home.headers.get("x-frame-options") === "DENY" &&
    home.headers.get("referrer-policy") === "no-referrer",
    `the page's security headers: ${csp}`);
  const viewer = await (await browser.newContext()).newPage();
  watch(viewer);
  await viewer.goto(`${base}/#token=${viewerToken}`);
  await viewer.waitForFunction(() => document.getElementById("role").dataset.role === "viewer");
  check((await viewer.textContent("#role")).includes("chỉ xem"), "the viewer is told its role");
  check(!(await viewer.isVisible("#next")) && !(await viewer.isVisible("#freeze")) &&
    !(await viewer.isVisible("#reload")) && !(await viewer.isVisible('button[data-scene="ban-do"]')),
    "a viewer sees no command buttons");
  check(await viewer.isVisible("#preview") && await viewer.isVisible("#rec-load"),
    "but the preview and Xem lại");
  const op = await (await browser.newContext()).newPage();
  watch(op);
  await op.goto(`${base}/#token=${operatorToken}`);
  await op.waitForFunction(() => document.getElementById("role").dataset.role === "operator");
  check(await op.isVisible("#freeze") && !(await op.isVisible("#reload")),
    "an operator has the briefing aids, not the reload");
  const sceneNow = (await state()).scene;
  const other = sceneNow === "ban-do" ? "ban-do-34" : "ban-do";
  await op.click(`button[data-scene="${other}"]`);
  s = await until((x) => x.scene === other);
  check(s.scene === other, "an operator changes the scene");
  const denied = await fetch(`${base}/api/reload`, { method: "POST", body: "{}",
    headers: { Authorization: `Bearer ${operatorToken}` } });
  check(denied.status === 403, `an operator's reload is refused: ${denied.status}`);

  if (process.env.OPSWALL_CONSOLE_SHOT) {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForTimeout(5500); /* the next refresh, with the preview */
    await page.screenshot({ path: process.env.OPSWALL_CONSOLE_SHOT });
  }
  check(outside.length === 0, `no request leaves the wall: ${outside}`);
  check(errors.length === 0, `no script errors: ${errors}`);
} catch (e) {
  failed++;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  wall.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
