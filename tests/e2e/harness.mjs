// The browser end-to-end harness: builds (or finds) the demo site, serves it
// with `tailor serve` under the strict CSP, drives Debian's Chromium through
// playwright-core, and records everything that must not happen in a
// shopper's browser: console errors, uncaught page errors, failed requests
// and CSP violations. Tests fail on any of them.
//
// Environment:
//   TAILOR_SITE            site directory to serve as is (default: build target/demo-site)
//   TAILOR_BIN             the `tailor` binary (default: `cargo build --release`, then target/release/tailor)
//   CHROMIUM               browser executable (default /usr/bin/chromium)
//   TAILOR_E2E_NO_WIDGET=1 the site has no widget yet: allow the 404 of /tailor/tailor.js
//                          and skip the asserts that need the widget
//   TAILOR_E2E_HEADED=1    show the browser (debugging)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NO_WIDGET = process.env.TAILOR_E2E_NO_WIDGET === '1';
export const ARTIFACTS = path.join(ROOT, 'target', 'e2e');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // The shop is on loopback: never route it through a proxy from the environment.
  '--no-proxy-server',
];

/** The `tailor` binary, built in release mode unless TAILOR_BIN names one. */
export function tailorBin() {
  if (process.env.TAILOR_BIN) return path.resolve(ROOT, process.env.TAILOR_BIN);
  const built = spawnSync('cargo', ['build', '--release', '--quiet', '--bin', 'tailor'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('cargo build --release --bin tailor failed');
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(ROOT, 'target');
  return path.join(targetDir, 'release', 'tailor');
}

/**
 * The site to test: TAILOR_SITE as it is, or target/demo-site rebuilt from
 * the current code and pkg/ so a test never runs against a stale copy.
 */
export function siteDir(bin) {
  if (process.env.TAILOR_SITE) {
    const dir = path.resolve(ROOT, process.env.TAILOR_SITE);
    if (!existsSync(path.join(dir, 'index.html'))) {
      throw new Error(`TAILOR_SITE=${dir} has no index.html (build it with \`tailor demo --out ${dir}\`)`);
    }
    return dir;
  }
  const dir = path.join(ROOT, 'target', 'demo-site');
  const built = spawnSync(bin, ['demo', '--out', dir, '--pkg', path.join(ROOT, 'pkg')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0) throw new Error('tailor demo failed');
  return dir;
}

/** Products of the site's catalog, by id. */
export function readCatalog(dir) {
  const feed = JSON.parse(readFileSync(path.join(dir, 'tailor', 'catalog.json'), 'utf8'));
  const products = Array.isArray(feed) ? feed : feed.products;
  return new Map(products.map((p) => [String(p.id), p]));
}

/** Starts `tailor serve DIR --port 0` and resolves to { url, stop }. */
export async function startServer(bin, dir, extraArgs = []) {
  const child = spawn(bin, ['serve', dir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tailor serve printed no URL within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`tailor serve exited with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /at (http:\/\/\S+\/)$/.exec(line.trim());
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from tailor serve: ${line}`));
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

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: process.env.TAILOR_E2E_HEADED !== '1',
    args: process.env.TAILOR_E2E_HEADED === '1' ? CHROMIUM_ARGS.filter((a) => a !== '--headless') : CHROMIUM_ARGS,
  });
}

// Runs in every document before its own scripts: records Tailor's events
// and CSP violations. Violations are also logged as console errors, so they
// are caught even when the page navigates away right after.
function instrumentPage() {
  window.__tailorEvents = [];
  window.__cspViolations = [];
  // Taken now, before the page's scripts: a hostile host may replace them.
  const push = Array.prototype.push;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const clone = (value) => {
    try {
      return parse(stringify(value ?? null));
    } catch {
      return String(value);
    }
  };
  for (const type of ['tailor:ready', 'tailor:shown', 'tailor:click', 'tailor:error', 'tailor:survey-answer']) {
    document.addEventListener(type, (event) => {
      push.call(window.__tailorEvents, { type, detail: clone(event.detail), at: performance.now() });
      if (type === 'tailor:error') console.error(`tailor:error ${stringify(clone(event.detail))}`);
    });
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    const violation = {
      directive: event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
    };
    push.call(window.__cspViolations, violation);
    console.error(`Content Security Policy violation: ${stringify(violation)}`);
  });
}

/** What the no-widget mode tolerates: the widget's script is not there yet. */
function allowedWithoutWidget(text, url) {
  if (!NO_WIDGET) return false;
  const isWidget = (u) => /\/tailor\/tailor\.js(\?|$)/.test(u || '');
  if (/Failed to load resource: .*404/.test(text) && isWidget(url)) return true;
  if (/Refused to execute script from '[^']*\/tailor\/tailor\.js'/.test(text)) return true;
  return false;
}

/**
 * A fresh browser context and page with everything that goes wrong in it
 * collected into `problems` (each with the page URL it happened on).
 * `options.allow(kind, text)` returning true lets an expected one through
 * (say the 404 of a catalog a test removed on purpose).
 */
export async function shopperPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  await context.addInitScript(instrumentPage);
  const page = await context.newPage();
  const problems = [];
  const note = (kind, text) => {
    if (!options.allow?.(kind, text)) problems.push({ kind, text, page: page.url() });
  };

  page.on('console', (message) => {
    const text = message.text();
    const url = message.location()?.url;
    if (message.type() === 'error' && !allowedWithoutWidget(text, url)) note('console error', `${text} (${url || 'no location'})`);
    else if (/Content.Security.Policy/i.test(text) && !allowedWithoutWidget(text, url)) note('CSP', text);
  });
  page.on('pageerror', (error) => note('page error', `${error.name}: ${error.message}`));
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText || 'failed';
    // A navigation started before the previous page finished loading aborts its requests.
    if (failure === 'net::ERR_ABORTED') return;
    if (allowedWithoutWidget('Failed to load resource: 404', request.url())) return;
    note('request failed', `${request.url()}: ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    if (allowedWithoutWidget(`Failed to load resource: ${response.status()}`, response.url())) return;
    note('HTTP error', `${response.status()} ${response.url()}`);
  });
  return { context, page, problems };
}

/** Tailor events recorded in the current document. */
export function tailorEvents(page) {
  return page.evaluate(() => window.__tailorEvents || []);
}

/** Waits for a `tailor:*` event in the current document. */
export async function waitForTailorEvent(page, type, timeout = 10_000) {
  await page.waitForFunction((t) => (window.__tailorEvents || []).some((e) => e.type === t), type, { timeout });
}

/** Product ids rendered in a slot (inside its shadow root), in order. */
export async function slotItems(page, slot) {
  const items = page.locator(`[data-tailor="${slot}"] [data-tailor-item]`);
  return items.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-tailor-item')));
}

/** Waits until a slot shows at least one item and returns their ids. */
export async function waitForSlotItems(page, slot, timeout = 10_000) {
  await page.locator(`[data-tailor="${slot}"] [data-tailor-item]`).first().waitFor({ state: 'visible', timeout });
  return slotItems(page, slot);
}

export function artifactPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** A readable list of problems for an assertion message. */
export function describeProblems(problems) {
  return problems.map((p) => `  [${p.kind}] ${p.text}\n    on ${p.page}`).join('\n');
}
