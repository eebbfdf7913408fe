// The owner's setup page end to end: `tailor setup` on a loopback port with
// the built widget, in Chromium. The page writes the script tag from the
// form, checks a catalog through the same code as `tailor catalog check`
// (same report), refuses a broken feed with the reason, and previews the
// widget on the checked catalog with the owner's settings (screenshot in
// target/e2e/setup.png).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  NO_WIDGET,
  artifactPath,
  describeProblems,
  launchBrowser,
  shopperPage,
  siteDir,
  tailorBin,
} from './harness.mjs';

async function startSetup(bin, site) {
  // The demo feed names its images by path on the shop: --site serves them.
  const child = spawn(bin, ['setup', '--port', '0', '--pkg', path.join(site, 'tailor'), '--site', site], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tailor setup printed no URL within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`tailor setup exited with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /^Setup page at (http:\/\/\S+\/)$/.exec(line.trim());
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from tailor setup: ${line}`));
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

describe('tailor setup: script tag, catalog check and live preview', { skip: NO_WIDGET && 'no widget in this run' }, () => {
  let bin;
  let site;
  let setup;
  let browser;

  before(async () => {
    bin = tailorBin();
    site = siteDir(bin);
    setup = await startSetup(bin, site);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await setup?.stop();
  });

  it('writes the script tag and settings from the form', async () => {
    const { context, page, problems } = await shopperPage(browser);
    await page.goto(setup.url);
    const snippet = page.locator('#snippet');
    assert.match(await snippet.textContent(), /<script src="\/tailor\/tailor\.js" data-catalog="\/tailor\/catalog\.json" async><\/script>/);
    await page.fill('input[name="locale"]', 'de');
    await page.fill('input[name="model"]', '/tailor/model.bin');
    await page.fill('input[name="rules"]', '/tailor/rules.json');
    await page.fill('input[name="collector"]', 'https://collect.shop.example/');
    await page.check('input[name="report"]');
    await page.check('input[name="rr"]');
    const text = await snippet.textContent();
    for (const part of [
      'data-model="/tailor/model.bin" data-rules="/tailor/rules.json"',
      'data-locale="de"',
      'data-survey-endpoint="https://collect.shop.example/v1/answers"',
      'data-survey-privacy="rr"',
      'data-report-endpoint="https://collect.shop.example/v1/aggregates"',
      '<div data-tailor="recommendations"></div>',
    ]) assert.ok(text.includes(part), `${part} in ${text}`);
    // What the owner types is written as attribute text, never as markup.
    await page.fill('input[name="locale"]', 'de"><b');
    assert.ok((await snippet.textContent()).includes('data-locale="de&quot;>&lt;b"'));
    assert.match(await page.locator('#csp-note').textContent(), /connect-src 'self' https:\/\/collect\.shop\.example/);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('checks the catalog with `tailor catalog check` and previews the widget on it', async () => {
    const { context, page, problems } = await shopperPage(browser);
    await page.goto(setup.url);
    await page.fill('input[name="limit"]', '4');
    await page.click('#check');
    const result = page.locator('#check-result');
    await page.waitForSelector('#check-result[data-state="ok"]');
    // The same report as the command, apart from its first line (the name).
    const cli = spawnSync(bin, ['catalog', 'check', path.join(site, 'tailor', 'catalog.json')], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const report = await page.locator('#check-report').textContent();
    assert.equal(report.split('\n').slice(1).join('\n'), cli.stdout.split('\n').slice(1).join('\n'));
    const read = Number(/(\d+) products read/.exec(cli.stdout)[1]);
    assert.ok(read > 0);
    assert.match(await result.textContent(), new RegExp(`${read} products read`));

    // The preview: the widget from --pkg on the checked catalog, with the form's settings.
    const frame = page.frameLocator('#preview');
    const recommended = frame.locator('[data-tailor="recommendations"] [data-tailor-item]');
    await recommended.first().waitFor({ timeout: 15_000 });
    const count = await recommended.count();
    assert.ok(count > 0 && count <= 4, `limit 4 honoured: ${count}`);
    await frame.locator('[data-tailor="similar"] [data-tailor-item]').first().waitFor({ timeout: 15_000 });
    assert.match(await page.locator('#preview').getAttribute('src'), /limit=4/);

    // A changed setting reloads the preview with it.
    await page.selectOption('select[name="theme"]', 'dark');
    await page.waitForFunction(() => document.getElementById('preview').src.includes('theme=dark'));
    // The new page first: until it replaces the old one, the old one's
    // cards are still there to be found.
    await frame.locator('script[data-theme="dark"]').waitFor({ state: 'attached', timeout: 15_000 });
    await frame.locator('[data-tailor="recommendations"] [data-tailor-item]').first().waitFor({ timeout: 15_000 });
    assert.equal(await frame.locator('script[data-theme="dark"]').count(), 1);
    await page.screenshot({ path: artifactPath('setup.png'), fullPage: true });
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });

  it('a broken catalog file is refused with the reason and no preview', async () => {
    const { context, page, problems } = await shopperPage(browser, {
      allow: (kind, text) => (kind === 'HTTP error' || kind === 'console error') && /422|\/check/.test(text),
    });
    await page.goto(setup.url);
    await page.setInputFiles('#catalog-file', {
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"products": [{"id": "a", "title": "A"'),
    });
    await page.click('#check');
    await page.waitForSelector('#check-result[data-state="error"]');
    assert.match(await page.locator('#check-result').textContent(), /not valid JSON/);
    assert.equal(await page.locator('#preview').isHidden(), true);
    // A feed with records but none usable: the report says why, no preview.
    await page.setInputFiles('#catalog-file', {
      name: 'untitled.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ products: [{ id: 'a' }, { title: 'no id' }] })),
    });
    await page.click('#check');
    await page.waitForSelector('#check-result[data-state="error"]');
    assert.match(await page.locator('#check-result').textContent(), /no usable products/);
    assert.match(await page.locator('#check-report').textContent(), /0 products read, 2 skipped/);
    assert.equal(await page.locator('#preview').isHidden(), true);
    assert.equal(problems.length, 0, describeProblems(problems));
    await context.close();
  });
});
