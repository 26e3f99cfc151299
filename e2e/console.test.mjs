// Browser end-to-end test of the Lá Chắn console.
//
// Starts the real `lachan serve` on a fresh data directory and a free port,
// drives headless Debian Chromium through login, creating an agency and an
// information system, the systems list and detail pages, the language
// switch and logout, then stops the server.
//
// Run: cd e2e && npm install && node --test console.test.mjs
// Env: LACHAN_BIN (default ../target/debug/lachan), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LACHAN_BIN ?? path.resolve(here, "../target/debug/lachan");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ADMIN_PW = "e2e-admin-password-1";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let server;
let serverLog = "";
let base;
let context;
let dataDir;
let profileDir;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`lachan serve exited with ${server.exitCode}:\n${serverLog}`);
    }
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not healthy after ${ms} ms (${last}):\n${serverLog}`);
}

before(async () => {
  for (const [what, p] of [["lachan binary (LACHAN_BIN)", BIN], ["Chromium (CHROMIUM)", CHROMIUM]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p}`);
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lachan-e2e-data-"));
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "lachan-e2e-profile-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ["serve", "--data", dataDir, "--listen", `127.0.0.1:${port}`], {
    env: { ...process.env, LACHAN_ADMIN_PASSWORD: ADMIN_PW, RUST_LOG: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.on("data", (d) => (serverLog += d));
  server.stderr.on("data", (d) => (serverLog += d));
  await waitForHealth(`${base}/healthz`, 30_000);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1366, height: 768 },
  });
});

after(async () => {
  if (context) await context.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  for (const d of [dataDir, profileDir]) {
    if (d) fs.rmSync(d, { recursive: true, force: true });
  }
});

test("admin logs in, creates an agency and a system, sees it listed, switches language, logs out", { timeout: 120_000 }, async () => {
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));

  // Anonymous visitors are sent to the login page, in Vietnamese.
  await page.goto(`${base}/systems`);
  assert.match(page.url(), /\/login\?next=%2Fsystems$/);
  assert.equal(await page.getAttribute("html", "lang"), "vi");
  await page.getByLabel("Tên đăng nhập").fill("admin");
  await page.getByLabel("Mật khẩu").fill("wrong-password");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  assert.match(await page.locator("#login-error").innerText(), /Sai tên đăng nhập/);
  problems.length = 0; // the browser reports the 401 of the failed login

  await page.getByLabel("Tên đăng nhập").fill("admin");
  await page.getByLabel("Mật khẩu").fill(ADMIN_PW);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${base}/systems`);
  await page.locator('header nav a[href="/"]').click();
  await page.waitForURL(`${base}/`);
  await page.getByRole("heading", { name: "Tổng quan hệ thống thông tin" }).waitFor();

  // Create an agency.
  await page.locator('header nav a[href="/agencies"]').click();
  await page.locator("#agency-create summary").click();
  await page.getByLabel("Mã", { exact: true }).fill("XA-E2E");
  await page.getByLabel("Tên", { exact: true }).fill("UBND xã Thử Nghiệm");
  await page.getByLabel("Loại hình").selectOption("commune_ward");
  await page.locator("#save-agency").click();
  await page.waitForURL(`${base}/agencies?ok=created`);
  assert.match(await page.locator("#agencies").innerText(), /XA-E2E\s+UBND xã Thử Nghiệm/);

  // Create an information system under it.
  await page.locator('header nav a[href="/systems"]').click();
  await page.locator("#new-system").click();
  await page.getByLabel("Mã hệ thống").fill("HTTT-E2E-01");
  await page.getByLabel("Tên hệ thống").fill("Cổng dịch vụ công xã Thử Nghiệm");
  await page.getByLabel("Cơ quan chủ quản").selectOption("XA-E2E");
  await page.getByLabel("Cấp độ").selectOption("3");
  await page.getByLabel("Trạng thái hồ sơ").selectOption("approved");
  await page.getByLabel("Số quyết định phê duyệt").fill("15/QĐ-UBND");
  await page.getByLabel(/Ngày phê duyệt/).fill("15/03/2024");
  await page.getByLabel("Kết nối Cơ sở dữ liệu quốc gia về dân cư").check();
  await page.locator("#save-system").click();
  await page.waitForURL(`${base}/systems/HTTT-E2E-01?ok=created`);
  await page.getByRole("heading", { name: "Cổng dịch vụ công xã Thử Nghiệm" }).waitFor();
  const detail = await page.locator("dl.fields").innerText();
  assert.match(detail, /15\/03\/2024/);
  assert.match(detail, /Đã phê duyệt/);

  // It is listed, and the filter finds it.
  await page.locator('header nav a[href="/systems"]').click();
  const rows = page.locator("#systems tbody tr");
  assert.match(await rows.filter({ hasText: "HTTT-E2E-01" }).innerText(), /UBND xã Thử Nghiệm/);
  await page.getByLabel("Tìm kiếm").fill("Thử Nghiệm");
  await page.getByRole("button", { name: "Lọc", exact: true }).click();
  await page.waitForURL(/\/systems\?q=/);
  assert.equal(await rows.count(), 1);
  await rows.getByRole("link", { name: "HTTT-E2E-01" }).click();
  await page.waitForURL(`${base}/systems/HTTT-E2E-01`);

  // Switch to English and back.
  await page.locator("#lang-switch").click();
  await page.locator('html[lang="en"]').waitFor({ state: "attached" });
  assert.equal(page.url(), `${base}/systems/HTTT-E2E-01`);
  assert.match(await page.locator("dl.fields").innerText(), /Approved/);
  await page.locator('header nav a[href="/"]').click();
  await page.waitForURL(`${base}/`);
  assert.match(await page.locator("main").innerText(), /1\/1 approved/);
  await page.locator("#lang-switch").click();
  await page.locator('html[lang="vi"]').waitFor({ state: "attached" });
  assert.match(await page.locator("main").innerText(), /1\/1 đã phê duyệt/);

  // Log out; the console is closed again.
  await page.locator("#logout").click();
  await page.waitForURL(`${base}/login`);
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login$/);

  assert.deepEqual(problems, [], "no script errors or CSP violations in the browser");
});

test("an ingested event raises an alert that appears in the open queue by itself and is triaged", { timeout: 120_000 }, async () => {
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));

  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PW }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();

  await page.goto(`${base}/login`);
  await page.getByLabel("Tên đăng nhập").fill("admin");
  await page.getByLabel("Mật khẩu").fill(ADMIN_PW);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${base}/`);
  await page.locator('header nav a[href="/alerts"]').click();
  await page.waitForURL(`${base}/alerts`);
  assert.match(await page.locator("#alerts-total").innerText(), /^0 cảnh báo/);

  // A syslog-form event that the built-in "new local user" rule catches.
  const ev = { Channel: "syslog", host: "srv-e2e", program: "useradd", message: "new user: name=e2e-backdoor, UID=1001" };
  const r = await fetch(`${base}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
    body: JSON.stringify(ev) + "\n",
  });
  assert.equal(r.status, 202);
  assert.deepEqual(await r.json(), { accepted: 1 });

  // The open queue reloads itself: no click needed.
  const row = page.locator("#alerts tbody tr", { hasText: "New local user account" });
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.innerText(), /srv-e2e/);
  await row.getByRole("link").click();
  await page.waitForURL(/\/alerts\/\d+$/);
  await page.getByLabel("Trạng thái").selectOption("closed");
  await page.getByLabel("Lý do").fill("Tài khoản thử nghiệm của quản trị viên");
  await page.locator("#triage button").click();
  await page.waitForURL(/\/alerts\/\d+\?ok=saved$/);
  assert.match(await page.locator("#alert-status").innerText(), /Đã đóng/);

  // The event behind the alert opens with its original fields.
  await page.locator("#alert-events a").first().click();
  await page.waitForURL(/\/events\/\d+-\d+$/);
  assert.match(await page.locator("#event-original").innerText(), /e2e-backdoor/);
  assert.deepEqual(problems, [], "no script errors in the browser");
});

test("one full cycle: alert → incident → closed; plan → inspection → finding → letter → re-inspection → verified; report", { timeout: 180_000 }, async () => {
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: ADMIN_PW }),
  });
  const { token } = await login.json();
  const api = (method, p, body) =>
    fetch(`${base}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const a = await api("POST", "/agencies", { code: "E2E-XA", name: "UBND xã Chu Trình", kind: "commune_ward" });
  assert.equal(a.status, 201);

  // An alert of the commune…
  const ev = { Channel: "syslog", host: "pc-e2e-cycle", program: "useradd", "agency.code": "E2E-XA",
               message: "new user: name=lạ, UID=1002" };
  const r = await fetch(`${base}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
    body: JSON.stringify(ev) + "\n",
  });
  assert.equal(r.status, 202);
  await page.goto(`${base}/alerts`);
  const row = page.locator("#alerts tbody tr", { hasText: "pc-e2e-cycle" });
  await row.waitFor({ timeout: 15_000 });
  await row.getByRole("link").click();
  await page.waitForURL(/\/alerts\/\d+$/);

  // …becomes an incident, handled step by step until closed.
  await page.locator("#open-incident").click();
  await page.waitForURL(/\/incidents\/new\?alert_id=\d+/);
  await page.locator("#n-severity").selectOption("high");
  await page.locator("#n-category").selectOption("account_compromise");
  await page.locator("#create-incident").click();
  await page.waitForURL(/\/incidents\/\d+(\?.*)?$/);
  assert.match(await page.locator("#incident-alerts").innerText(), /#\d+/);
  for (const step of ["triage", "containment", "eradication", "recovery", "closed"]) {
    await page.locator("#m-status").selectOption(step);
    await page.locator("#move-status button[type=submit]").click();
    await page.waitForURL(/\/incidents\/\d+\?ok=/);
  }
  assert.match(await page.locator("#incident-status").innerText(), /Đã đóng/);
  assert.equal(await page.locator("#timeline tbody tr").count() >= 6, true);

  // An inspection plan with one workstation of the commune.
  await page.goto(`${base}/plans`);
  await page.locator("#new-plan-box summary").click();
  await page.locator("#p-number").fill("77/KH-PA05");
  await page.locator("#p-date").fill("02/01/2026");
  await page.locator("#p-title").fill("Kiểm tra máy trạm Đề án 06 xã Chu Trình");
  await page.locator("#p-start").fill("05/01/2026");
  await page.locator("#p-end").fill("31/12/2026");
  await page.locator("#create-plan").click();
  await page.waitForURL(/\/plans\/\d+(\?.*)?$/);
  const planUrl = page.url().split("?")[0];
  await page.locator("#t-kind").selectOption("workstation");
  await page.locator("#t-agency").selectOption("E2E-XA");
  await page.locator("#t-name").fill("pc-mc-01");
  await page.locator("#add-target button[type=submit]").click();
  await page.waitForURL(/\/plans\/\d+\?ok=/);
  const target = page.locator("#targets tbody tr").first();
  await target.locator("details summary").click();
  await target.locator("select[name=status]").selectOption("done");
  await target.locator("input[name=passed]").fill("13");
  await target.locator("input[name=failed]").fill("1");
  await target.locator("form button[type=submit]").click();
  await page.waitForURL(/\/plans\/\d+\?ok=/);
  assert.match(await page.locator("#plan-progress").innerText(), /1\/1/);

  // The failed item is recorded as a finding at that target.
  await page.locator("#targets tbody tr").first().locator('a[href^="/findings/new"]').click();
  await page.waitForURL(/\/findings\/new\?/);
  await page.locator("#n-title").fill("Máy trạm cho phép dùng USB lưu trữ");
  await page.locator("#n-severity").selectOption("high");
  await page.locator("#n-asset").fill("pc-mc-01");
  await page.locator("#create-finding").click();
  await page.waitForURL(/\/findings\/\d+(\?.*)?$/);
  const findingUrl = page.url().split("?")[0];
  const findingId = findingUrl.split("/").pop();

  // A recommendation letter carries it to the commune.
  await page.goto(`${base}/findings?agency_code=E2E-XA`);
  await page.locator(`#pick-${findingId}`).check();
  await page.locator("#l-number").fill("301/CAT-PA05");
  await page.locator("#l-date").fill("03/02/2026");
  await page.locator("#l-deadline").fill("03/03/2026");
  await page.locator("#create-letter").click();
  await page.waitForURL(/\/letters\/\d+(\?.*)?$/);
  assert.match(await page.locator("#letter-number").innerText(), /301\/CAT-PA05/);
  assert.match(await page.locator("#letter-findings").innerText(), /USB/);

  // The commune reports it fixed; the re-inspection verifies it.
  for (const step of ["fixed", "verified"]) {
    await page.goto(findingUrl);
    await page.locator("#m-status").selectOption(step);
    await page.locator("#finding-move button[type=submit]").click();
    await page.waitForURL(/\/findings\/\d+\?ok=/);
  }
  assert.match(await page.locator("#finding-status").innerText(), /phúc tra/i);

  // The half-year report counts what happened.
  await page.locator('header nav a[href="/report"]').click();
  await page.waitForURL(/\/report/);
  await page.goto(`${base}/report?from=2026-01-01&to=2026-12-31`);
  const text = await page.locator("main").innerText();
  assert.match(text, /301\/CAT-PA05|Công văn|công văn/);
  const summary = await (await api("GET", "/reports/summary?from=2026-01-01&to=2026-12-31")).json();
  assert.equal(summary.letters_issued, 1);
  assert.equal(summary.findings_by_status.verified, 1);
  assert.equal(summary.inspections.planned, 1);
  assert.equal(summary.inspections.done, 1);
  assert.equal(summary.incidents_by_status.closed, 1);
  await page.goto(planUrl);
  assert.deepEqual(problems, [], "no script errors in the browser");
});

test("an inspector imports a lachan scan result and sees compliance by system and security level", { timeout: 120_000 }, async () => {
  await context.clearCookies();
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${base}/login`);
  await page.getByLabel("Tên đăng nhập").fill("admin");
  await page.getByLabel("Mật khẩu").fill(ADMIN_PW);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${base}/`);

  const checks = [1, 2, 3, 4].map((i) => ({
    id: `E2E-${i}`, title: `Check ${i}`, title_vi: `Nội dung ${i}`, severity: "high",
    result: i === 4 ? "failed" : "passed",
  }));
  const file = path.join(dataDir, "scan-e2e.json");
  fs.writeFileSync(file, JSON.stringify({
    host: { hostname: "pc-e2e-01" },
    policies: [{ id: "e2e_policy", name: "E2E policy", checks }],
  }));
  await page.locator('header nav a[href="/compliance"]').click();
  await page.waitForURL(`${base}/compliance`);
  await page.locator("#cmp-import-box summary").click();
  await page.locator("#i-file").setInputFiles(file);
  await page.locator("#i-agency").selectOption("XA-E2E");
  await page.locator("#i-system").selectOption("HTTT-E2E-01");
  await page.locator("#cmp-import button[type=submit]").click();
  await page.waitForURL(`${base}/compliance?ok=scan_imported`);
  const hosts = await page.locator("#cmp-hosts-table").innerText();
  assert.match(hosts, /pc-e2e-01/);
  assert.match(hosts, /HTTT-E2E-01/);
  assert.match(hosts, /75\.0%/);
  assert.equal(await page.locator("#cmp-trend circle").count() > 0, true, "the trend has today's point");

  // Grouped by security level: the system was approved at level 3.
  await page.locator("#f-by").selectOption("level");
  await page.locator("#cmp-filter button[type=submit]").click();
  await page.waitForURL(/\/compliance\?by=level/);
  assert.match(await page.locator("#cmp-groups").innerText(), /Cấp độ 3\s+1\s+75\.0%/);
  assert.match(await page.locator("#cmp-checks").innerText(), /E2E-4/);
  assert.deepEqual(problems, [], "no script errors in the browser");
});
