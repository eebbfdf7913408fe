// The owner's collector end to end: `tailor collect` on a loopback port with
// a temporary database, the demo shop in Chromium configured to send to it
// (its CSP extended with `connect-src` for the collector, as an owner would),
// a daily measurement report arriving after a (simulated) day change, a
// survey answer arriving exactly once even when its first send fails, the
// dashboard showing them under its own strict CSP (screenshot in
// target/e2e/dashboard.png), malformed and oversized posts from the shop
// page refused with a 4xx and nothing stored, and a restart losing nothing.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import {
  NO_WIDGET,
  artifactPath,
  describeProblems,
  shopperPage,
  siteDir,
  startServer,
  tailorBin,
  waitForSlotItems,
} from './harness.mjs';

const needsWidget = NO_WIDGET ? 'no widget in this run (TAILOR_E2E_NO_WIDGET=1)' : false;

// The shop's documents are re-served through page routes (to add the
// collector to their CSP), and Chromium's Local Network Access treats routed
// documents as public pages calling into loopback. On a real shop both are
// public: turn that check off here only.
function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--no-proxy-server',
      '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults'],
  });
}

async function startCollector(bin, db, origin) {
  // A burst large enough for the dashboard test's posts from this one machine.
  const child = spawn(bin, ['collect', '--db', db, '--port', '0', '--origin', origin, '--k', '3', '--burst', '200'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tailor collect printed no URL within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`tailor collect exited with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /at (http:\/\/\S+)\/$/.exec(line.trim());
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from tailor collect: ${line}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

async function summary(collector) {
  const response = await fetch(`${collector.url}/v1/summary`);
  assert.equal(response.status, 200);
  return response.json();
}

async function waitFor(check, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The shop's own pages, with `connect-src` for the collector added to their CSP. */
async function allowCollector(context, shopOrigin, collectorUrl) {
  await context.route(
    (url) => url.origin === shopOrigin,
    async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      const response = await route.fetch();
      const headers = response.headers();
      if (headers['content-security-policy']) {
        headers['content-security-policy'] += `; connect-src 'self' ${collectorUrl}`;
      }
      await route.fulfill({ response, headers });
    },
  );
}

describe('tailor collect receives from the demo shop and shows it', () => {
  let shop;
  let collector;
  let browser;
  let dbDir;
  let bin;
  const problemsSeen = [];

  before(async () => {
    bin = tailorBin();
    const dir = siteDir(bin);
    shop = await startServer(bin, dir, ['--csp', 'strict']);
    dbDir = mkdtempSync(path.join(tmpdir(), 'tailor-collect-'));
    collector = await startCollector(bin, path.join(dbDir, 'answers.sqlite'), new URL(shop.url).origin);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
    await collector?.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  it('a daily report of recommendation use arrives once the day is over', { skip: needsWidget }, async () => {
    const { context, page, problems } = await shopperPage(browser);
    const endpoint = `${collector.url}/v1/aggregates`;
    await context.addInitScript((url) => {
      window.tailorConfig = { reportEndpoint: url };
    }, endpoint);
    await allowCollector(context, new URL(shop.url).origin, collector.url);

    await page.goto(shop.url);
    const items = await waitForSlotItems(page, 'recommendations');
    assert.ok(items.length > 0);
    await page.locator('[data-tailor="recommendations"] [data-tailor-item]').first().click();
    await page.waitForLoadState('load');
    const clickedDay = await page.evaluate(() => JSON.parse(localStorage.getItem('tailor:outbox')));
    const clicked = clickedDay.clicked.find(([slot]) => slot === 'recommendations')?.[1];
    assert.ok(clicked, JSON.stringify(clickedDay));
    // The shopper buys the clicked product (2 × 15) and another one (10):
    // 30 of the day's 40 went to a product clicked in the slot.
    await page.waitForFunction(() => (window.__tailorEvents || []).some((e) => e.type === 'tailor:ready'));
    await page.evaluate((id) => window.tailor('purchase', {
      order: 'REVENUE-1', items: [{ id, qty: 2, price: 15 }, { id: 'not-recommended', qty: 1, price: 10 }],
    }), clicked);
    await page.waitForFunction(() => JSON.parse(localStorage.getItem('tailor:outbox')).cents > 0);
    const today = await page.evaluate(() => JSON.parse(localStorage.getItem('tailor:outbox')));
    const recs = today.slots.find(([slot]) => slot === 'recommendations');
    assert.deepEqual(recs?.[1], { shown: true, clicked: true, bought: true, cents: 3000 }, JSON.stringify(today));
    assert.equal(today.cents, 4000, 'the day\'s revenue, kept on the device');
    assert.equal((await summary(collector)).reports, 0, 'nothing is sent during the day');
    // What leaves the device: randomized facts and a revenue level, nothing else.
    const sent = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/aggregates')) sent.push(request.postData());
    });

    // The day ends: move the outbox's day back one, as if the shopper came back tomorrow.
    await page.evaluate(() => {
      const outbox = JSON.parse(localStorage.getItem('tailor:outbox'));
      outbox.day -= 1;
      localStorage.setItem('tailor:outbox', JSON.stringify(outbox));
    });
    await page.reload();
    await waitFor(async () => (await summary(collector)).reports === 1, 'the daily report').catch(async (e) => {
      const outbox = await page.evaluate(() => localStorage.getItem('tailor:outbox'));
      throw new Error(`${e.message}; outbox: ${outbox}; problems:\n${describeProblems(problems)}`);
    });
    const outbox = await page.evaluate(() => JSON.parse(localStorage.getItem('tailor:outbox')));
    assert.equal(outbox.pending.length, 0, 'acknowledged reports leave the outbox');
    assert.equal(outbox.cents, 0, 'the amount does not outlive its day');
    assert.equal(sent.length, 1, 'one report');
    const report = JSON.parse(sent[0]);
    assert.deepEqual(Object.keys(report).sort(), ['key', 'slots']);
    for (const [slot, facts] of Object.entries(report.slots)) {
      assert.deepEqual(Object.keys(facts).sort(), ['bought', 'clicked', 'revenue', 'shown'], slot);
      assert.ok(Number.isInteger(facts.revenue) && facts.revenue >= 0 && facts.revenue <= 5, `${slot}: ${facts.revenue}`);
    }
    assert.ok(!sent[0].includes(clicked) && !/\b(30|40|3000|4000)\b/.test(sent[0].replace(report.key, '')), sent[0]);
    await page.reload();
    await page.waitForLoadState('load');
    assert.equal((await summary(collector)).reports, 1, 'one report per day');
    problemsSeen.push(...problems);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('a survey answer arrives exactly once, with its comment, even when the first send fails', { skip: needsWidget }, async () => {
    const { context, page, problems } = await shopperPage(browser, {
      // The first send is made to fail: the browser reports it, twice.
      allow: (kind, text) => (kind === 'request failed' || kind === 'console error') && text.includes('/v1/answers'),
    });
    const endpoint = `${collector.url}/v1/answers`;
    await context.addInitScript((url) => {
      window.tailorConfig = { surveyEndpoint: url };
    }, endpoint);
    await allowCollector(context, new URL(shop.url).origin, collector.url);
    let failed = 0;
    await context.route(`${endpoint}`, async (route) => {
      if (route.request().method() === 'POST' && failed === 0) {
        failed += 1;
        return route.abort('failed');
      }
      return route.continue();
    });
    const before = (await summary(collector)).answers;
    await page.goto(new URL('thank-you.html', shop.url).href);
    await page.waitForFunction(() => (window.__tailorEvents || []).some((e) => e.type === 'tailor:ready'));
    await page.evaluate(() => window.tailor('purchase', { order: 'COLLECT-1', items: [{ id: 'none', qty: 1 }] }));
    const survey = page.locator('[data-tailor="survey"] .tailor-survey');
    await survey.getByRole('button', { name: /^4 of 5/ }).click();
    await waitFor(() => failed === 1, 'the first (failing) send');
    assert.equal((await summary(collector)).answers, before, 'the failed send stored nothing');
    // The comment goes out under the score's key: it completes that answer.
    await survey.locator('input').fill('The parcel arrived late');
    await survey.getByRole('button', { name: 'Send' }).click();
    await waitFor(async () => (await summary(collector)).answers === before + 1, 'the answer with its comment');
    // The next page retries what is still queued: nothing is counted twice.
    await page.reload();
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);
    assert.equal((await summary(collector)).answers, before + 1, 'stored once');
    const csv = await (await fetch(`${collector.url}/v1/export.csv`)).text();
    const rows = csv.split('\n').filter((line) => line.includes('The parcel arrived late'));
    assert.equal(rows.length, 1, csv);
    assert.match(rows[0], /,4,.*,delivery,/, 'score and topic of the one answer');
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('the dashboard shows answers, topics and reports under its strict CSP', async () => {
    // Other shoppers' answers, as their widgets would send them.
    const answers = [
      [5, 'Fast delivery, the parcel came next day'], [4, 'Good price'], [5, ''], [2, 'Too expensive'],
      [4, 'Courier was late but friendly'], [5, 'La livraison était rapide'], [3, 'Die Lieferung kam spät'],
      [1, 'Product broke after a week, poor quality'], [5, ''], [4, 'המשלוח הגיע מהר'],
    ];
    for (const [i, [score, comment]] of answers.entries()) {
      const response = await fetch(`${collector.url}/v1/answers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: `dashboard-${i}-0000`, answer: { survey: 'post-purchase', kind: 'csat', score, comment, locale: 'en' } }),
      });
      assert.ok(response.status === 201 || response.status === 200, `answer ${i}: ${response.status}`);
    }
    const postReport = async (key, slots) => {
      const response = await fetch(`${collector.url}/v1/aggregates`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, slots }),
      });
      assert.equal(response.status, 201, key);
    };
    // Other devices' days: recommendations with revenue levels, a survey
    // slot shown on 12 of 20 (its response rate), and one lone `similar`
    // report (below k: hidden).
    for (let i = 0; i < 6; i += 1) {
      await postReport(`dash-report-${i}`, { recommendations: { shown: true, clicked: i % 2 === 0, bought: i % 3 === 0, revenue: i % 6 } });
    }
    for (let i = 0; i < 20; i += 1) {
      await postReport(`dash-survey-${i}`, { survey: { shown: i < 12, clicked: false, bought: false, revenue: 0 } });
    }
    await postReport('dash-similar-0', { similar: { shown: true, clicked: true, bought: true, revenue: 5 } });
    const s = await summary(collector);
    const recs = s.slots.find((x) => x.slot === 'recommendations');
    // Six posted here, and the widget's own when the first test ran.
    assert.ok(recs.revenue_reports >= 6, JSON.stringify(recs));
    assert.ok(recs.revenue_share >= 0 && recs.revenue_share <= 1, JSON.stringify(recs));
    assert.ok(s.response_rate > 0 && s.response_rate <= 1, JSON.stringify(s));
    const { page, problems } = await shopperPage(browser);
    await page.goto(`${collector.url}/`);
    await page.waitForSelector('body[data-loaded="true"]');
    const csat = page.locator('[data-kind="csat"]');
    await csat.locator('canvas').first().waitFor();
    assert.equal(await csat.locator('.uplot').count(), 2, 'a line chart by day and a score distribution');
    assert.match(await page.locator('#totals').textContent(), /answers, \d+ daily reports/);
    assert.match(await page.locator('[data-topic="delivery"]').textContent(), /delivery/);
    assert.equal(await page.locator('[data-slot="recommendations"]').count(), 1);
    assert.match(await page.locator('[data-slot="recommendations"] [data-figure="revenue-share"]').textContent(), /^\d+\.\d %$/);
    assert.match(await page.locator('#totals').textContent(), /response rate ≈ \d+\.\d %/);
    // Every breakdown under k is hidden: a slot, a topic.
    const similar = page.locator('[data-slot="similar"]');
    assert.equal(await similar.getAttribute('data-suppressed'), 'true');
    assert.match(await similar.textContent(), /fewer than 3.*fewer than 3/);
    assert.doesNotMatch(await similar.textContent(), /%/);
    assert.match(await page.locator('[data-topic="product-quality"]').textContent(), /fewer than 3/);
    assert.equal(await page.locator('#slots .uplot').count(), 1, 'the per-slot chart');
    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
    assert.equal(problems.length, 0, describeProblems(problems));
    const csv = await (await fetch(`${collector.url}/v1/export.csv`)).text();
    assert.ok(csv.split('\n').length >= answers.length + 1, csv);
    assert.equal(problemsSeen.length, 0);
  });

  it('malformed and oversized posts from the shop are refused with 4xx and nothing stored; a restart loses nothing', async () => {
    const { context, page, problems } = await shopperPage(browser, {
      // The refusals are the point of this test: the browser logs each.
      allow: (kind, text) => (kind === 'HTTP error' || kind === 'console error') && /\/v1\/(answers|aggregates)|status of 4\d\d/.test(text),
    });
    await allowCollector(context, new URL(shop.url).origin, collector.url);
    await page.goto(shop.url);
    const before = await summary(collector);
    const csvBefore = await (await fetch(`${collector.url}/v1/export.csv`)).text();
    const good = { survey: 'post-purchase', kind: 'csat', score: 4, locale: 'en' };
    const posts = [
      ['/v1/answers', 'not json', 422],
      ['/v1/answers', JSON.stringify({ key: 'bad-00000001', answer: { ...good, score: 9 } }), 422],
      ['/v1/answers', JSON.stringify({ key: 'bad-00000002', answer: good, ip: '192.0.2.1' }), 422],
      ['/v1/answers', JSON.stringify({ key: 'bad-00000003', answer: { ...good, comment: 'x'.repeat(501) } }), 422],
      ['/v1/answers', JSON.stringify({ key: 'bad-00000004', answer: { ...good, comment: 'y'.repeat(5000) } }), 413],
      ['/v1/aggregates', JSON.stringify({ key: 'bad-report-1', slots: { sidebar: { shown: true, clicked: true, bought: true } } }), 422],
      ['/v1/aggregates', JSON.stringify({ key: 'bad-report-2', slots: { similar: { shown: true, clicked: true, bought: true, revenue: 49.9 } } }), 422],
    ];
    // Sent by the shop page itself, as a widget (or an attacker on it) would.
    const statuses = await page.evaluate(async ({ base, posts: list }) => {
      const out = [];
      for (const [route, body] of list) {
        const response = await fetch(base + route, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        out.push(response.status);
      }
      return out;
    }, { base: collector.url, posts });
    assert.deepEqual(statuses, posts.map(([, , status]) => status));
    const after = await summary(collector);
    assert.deepEqual(after, before, 'nothing stored');
    assert.equal(await (await fetch(`${collector.url}/v1/export.csv`)).text(), csvBefore);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();

    // Restart on the same database: everything is still there.
    await collector.stop();
    collector = await startCollector(bin, path.join(dbDir, 'answers.sqlite'), new URL(shop.url).origin);
    assert.deepEqual(await summary(collector), before, 'the summary survives a restart');
    assert.equal(await (await fetch(`${collector.url}/v1/export.csv`)).text(), csvBefore);
    const dashboard = await shopperPage(browser);
    await dashboard.page.goto(`${collector.url}/`);
    await dashboard.page.waitForSelector('body[data-loaded="true"]');
    assert.match(await dashboard.page.locator('#totals').textContent(), new RegExp(`^${before.answers} answers, ${before.reports} daily reports`));
    assert.equal(dashboard.problems.length, 0, describeProblems(dashboard.problems));
    await dashboard.context.close();
  });
});
