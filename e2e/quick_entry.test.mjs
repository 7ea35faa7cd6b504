// A 南郑区 officer on a 375×812 phone signs in, logs a visit with a photo and a next step through
// the quick entry, and finds it on the company's timeline. Runs the real binary (debug build) on a
// fresh demo database: SQLite, or PostgreSQL when ZS_TEST_DATABASE_URL is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.ZS_E2E_BIN || join(here, '..', 'target', 'debug', 'zhaoshang');
const chromiumPath = process.env.ZS_CHROMIUM || '/usr/bin/chromium';
const password = 'Zhaoshang@2026';
let server, base, dir, pgName, browser;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 150; i++) {
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer ${url}`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zs-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The search index lives beside the SQLite file; for PostgreSQL, in this run's own folder.
  const env = { ...process.env, ZS_ADMIN_PASSWORD: password, ZS__SEARCH__DIR: join(dir, 'search') };
  let args;
  const pg = process.env.ZS_TEST_DATABASE_URL;
  if (pg) {
    pgName = `zs_e2e_${process.pid}`;
    const made = spawnSync('psql', [pg, '-qc', `CREATE DATABASE ${pgName}`], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const url = pg.replace(/\/[^/]*$/, `/${pgName}`);
    const gen = spawnSync(bin, ['--database-url', url, 'gen', '--scale', 'demo'], { env, encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    args = ['--database-url', url, 'serve', '--migrate', '--bind', `127.0.0.1:${port}`];
  } else {
    args = ['demo', '--data', dir, '--bind', `127.0.0.1:${port}`];
  }
  server = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor(`${base}/healthz`);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  if (pgName) spawnSync('psql', [process.env.ZS_TEST_DATABASE_URL, '-qc', `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`]);
  rmSync(dir, { recursive: true, force: true });
});

test('an officer logs a visit with a photo on a phone and finds it on the timeline', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(`${base}/login`);
  await page.fill('#username', 'officer-610703');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  assert.match(await page.textContent('.topbar-unit'), /南郑区/);

  // Tap 记一笔 in the bottom bar, type two characters, pick the company.
  await page.click('nav.bottombar a[href="/followups/new"]');
  await page.fill('#q', '秦岭');
  await page.waitForSelector('[data-suggestions] a');
  await Promise.all([page.waitForURL(/enterprise_id=/), page.click('[data-suggestions] a >> text=秦岭航空零部件')]);

  await page.check('input[name=kind][value=visit]');
  const summary = `在园区拜访，企业计划新增机加工产线（${Date.now()}）`;
  await page.fill('#summary', summary);
  const nextStep = `发送地价测算表（${Date.now()}）`;
  await page.fill('#next_step', nextStep);
  const due = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  await page.fill('#next_due', due);
  const photo = join(dir, 'workshop.png');
  writeFileSync(photo, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
  await page.setInputFiles('#files', photo);
  await Promise.all([page.waitForURL(/\/(targets|enterprises)\/\d+\?done=followup/), page.click('form[data-offline-queue] button[type=submit]')]);

  const timeline = page.locator('ul.timeline li').first();
  assert.match(await timeline.textContent(), new RegExp(summary.replace(/[()（）]/g, '.')));
  assert.ok((await timeline.textContent()).includes(`下一步：${nextStep}`));
  assert.equal(await timeline.locator('img.thumb').count(), 1, 'the photo is on the timeline');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no horizontal scrolling on a phone (scrollWidth ${width})`);

  // The next step is on the home page.
  await page.goto(`${base}/`);
  assert.ok((await page.textContent('main')).includes(nextStep), 'the new next step is on the home page');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an entry made without signal is kept on the phone and sent when the signal returns', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', 'officer-610703');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  await page.goto(`${base}/followups/new?q=秦岭`);
  await Promise.all([page.waitForURL(/enterprise_id=/), page.click('.choice-list a >> text=秦岭航空零部件')]);
  const url = page.url();
  const summary = `车间信号差时记录（${Date.now()}）`;
  await page.fill('#summary', summary);

  await context.setOffline(true);
  await page.click('form[data-offline-queue] button[type=submit]');
  await page.waitForSelector('[data-offline-note]:not([hidden])');

  // Back in the car park: the queue goes out by itself.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForSelector('main .flash-ok');
  const enterprise = url.match(/enterprise_id=(\d+)/)[1];
  await page.goto(`${base}/enterprises/${enterprise}`);
  const text = await page.textContent('ul.timeline');
  assert.ok(text.includes(summary), 'the queued entry arrived');
  assert.equal(text.split(summary).length - 1, 1, 'exactly once');
  await context.close();
});

test('the bureau verifies 汉台区 start on site from a phone, and it counts', async () => {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
    geolocation: { latitude: 33.0721, longitude: 107.0283 }, permissions: ['geolocation'],
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/login`);
  await page.fill('#username', 'bureau');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  assert.match(await page.textContent('main'), /待实地核查/, 'the home page says checks are waiting');

  // The queue, then the claim: 汉台区's start, submitted two days ago.
  await page.goto(`${base}/verifications`);
  const row = page.locator('tr', { hasText: '汉台区智能装备产业园项目' });
  await Promise.all([page.waitForURL(/\/verifications\/stage-\d+$/), row.locator('a.btn').click()]);
  const photo = join(dir, 'site.jpg');
  writeFileSync(photo, Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==', 'base64'));
  await page.setInputFiles('#files', photo);
  await page.click('[data-locate]');
  await page.waitForFunction(() => document.querySelector('[data-latitude]').value !== '');
  await page.fill('#note', '主体结构已开始施工，塔吊两台，现场照片已上传');
  await page.check('input[name=result][value=approve]');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no horizontal scrolling on a phone (scrollWidth ${width})`);
  await Promise.all([page.waitForURL(/\/verifications\?done=verified/), page.click('main form[enctype="multipart/form-data"] button[type=submit]')]);
  assert.match(await page.textContent('main .flash-ok'), /核查通过/);

  // On the project page the start now counts, with the photo and the place.
  const project = new URL(page.url()).searchParams.get('project');
  await page.goto(`${base}/projects/${project}`);
  const stages = await page.textContent('#stages');
  assert.match(stages, /开工[\s\S]*核查通过[\s\S]*计入/);
  const timeline = await page.textContent('#timeline');
  assert.ok(timeline.includes('主体结构已开始施工') && timeline.includes('33.07210, 107.02830') && timeline.includes('site.jpg'), timeline);
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= 375, `the project page fits a phone (scrollWidth ${pageWidth})`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a county head writes the week\'s note on a key project from a phone, and the bureau publishes the month', async () => {
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await phone.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/login`);
  await page.fill('#username', 'head-610702');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);

  // 周调度 leads a unit's head to the unit's own week; the first key project's note.
  await page.goto(`${base}/dispatch`);
  assert.match(page.url(), /\/dispatch\/units\/\d+\?week=\d{4}-\d{2}-\d{2}/);
  const form = page.locator('form[action="/dispatch/notes"]').first();
  const progress = `完成设备招标，厂房主体封顶（${Date.now()}）`;
  await form.locator('textarea[name=progress]').fill(progress);
  await form.locator('textarea[name=next_plan]').fill('设备进场安装调试');
  await Promise.all([page.waitForURL(/done=saved/), form.locator('button[type=submit]').click()]);
  assert.ok((await page.textContent('main')).includes(progress), 'the note is on the unit\'s week');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `the dispatch page fits a phone (scrollWidth ${width})`);
  assert.deepEqual(errors, []);
  await phone.close();

  // The bureau, on a PC: the city's week shows the note's unit; then this month's assessment.
  const pc = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const desk = await pc.newPage();
  desk.on('pageerror', (e) => errors.push(String(e)));
  await desk.goto(`${base}/login`);
  await desk.fill('#username', 'bureau');
  await desk.fill('#password', password);
  await Promise.all([desk.waitForURL(`${base}/`), desk.click('button[type=submit]')]);
  await desk.goto(`${base}/dispatch`);
  assert.ok((await desk.textContent('main')).includes('汉台区'));
  await desk.goto(`${base}/assessment`);
  await Promise.all([desk.waitForURL(/\/preview\?/), desk.locator('a', { hasText: /^预览/ }).first().click()]);
  assert.match(await desk.textContent('main'), /预览：按当前数据计算/);
  await desk.fill('#correction', '端到端测试更正');
  await Promise.all([desk.waitForURL(/\/assessment\/runs\/\d+\?done=published/), desk.click('form[action$="/publish"] button[type=submit]')]);
  assert.match(await desk.textContent('main'), /已发布/);
  await Promise.all([desk.waitForURL(/\/units\/\d+$/), desk.locator('table a').first().click()]);
  const breakdown = await desk.textContent('main');
  assert.match(breakdown, /个单位中第 \d+ 名/);
  assert.match(breakdown, /完成|全组/, 'each indicator explains its points');
  assert.deepEqual(errors, []);
  await pc.close();
});

test('on a phone, two characters find a company, and a gap ranks companies that become targets in one tap', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/login`);
  await page.fill('#username', 'officer-610703');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);

  await page.goto(`${base}/search`);
  await page.fill('#s-q', '秦岭');
  await Promise.all([page.waitForURL(/\/search\?q=/), page.click('main form[role=search] button[type=submit]')]);
  assert.ok((await page.textContent('main')).includes('秦岭航空零部件'), 'found by two characters');
  assert.ok((await page.textContent('.search-facets')).includes('地区'), 'with facets to narrow by');
  let width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `search: no horizontal scrolling on a phone (scrollWidth ${width})`);

  await page.goto(`${base}/matching`);
  await Promise.all([page.waitForURL(/\/matches$/), page.click('main section.card a[href$="/matches"] >> nth=0')]);
  const rows = page.locator('li.match-row');
  assert.ok(await rows.count() > 0, 'the gap has ranked companies');
  await rows.first().locator('summary').click();
  assert.ok((await rows.first().locator('table').textContent()).includes('行业'), 'the score explained');
  width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `ranking: no horizontal scrolling on a phone (scrollWidth ${width})`);
  await Promise.all([page.waitForURL(/\/targets\/\d+\?done=created/), rows.first().locator('button[type=submit]').click()]);
  assert.deepEqual(errors, []);
  await context.close();
});
