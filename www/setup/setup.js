// Tailor's setup page (served by `tailor setup`): writes the script tag and
// slot markup from the form, checks the catalog through the server's
// `tailor catalog check` code (POST /check) and previews the widget on it.
// DOM text only (no innerHTML): what the owner types is never run as code.
'use strict';

(function () {
  const form = document.getElementById('settings');
  const snippet = document.getElementById('snippet');
  const cspNote = document.getElementById('csp-note');
  const attr = (value) => String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

  function settings() {
    const f = new FormData(form);
    const get = (name) => String(f.get(name) || '').trim();
    const out = [['catalog', get('catalog')]];
    for (const name of ['model', 'rules', 'locale', 'currency', 'limit', 'theme']) if (get(name)) out.push([name, get(name)]);
    const collector = get('collector').replace(/\/+$/, '');
    if (collector) {
      out.push(['survey-endpoint', `${collector}/v1/answers`]);
      if (f.get('topicOnly')) out.push(['survey-comments', 'topic-only']);
      if (f.get('rr')) out.push(['survey-privacy', 'rr']);
      if (f.get('report')) out.push(['report-endpoint', `${collector}/v1/aggregates`]);
    }
    return { src: get('src') || '/tailor/tailor.js', out, collector };
  }

  function render() {
    const { src, out, collector } = settings();
    const data = out.map(([k, v]) => ` data-${k}="${attr(v)}"`).join('');
    snippet.textContent = `<script src="${attr(src)}"${data} async></script>\n\n` +
      '<!-- where recommendations go -->\n<div data-tailor="recommendations"></div>\n\n' +
      '<!-- on the order confirmation page -->\n<div data-tailor="thank-you"></div>\n<div data-tailor="survey"></div>';
    let origin = '';
    try { origin = collector ? new URL(collector).origin : ''; } catch { origin = ''; }
    cspNote.textContent = origin
      ? `If your site sends a Content-Security-Policy, add connect-src 'self' ${origin}, and start the collector with --origin ${location.origin}.`
      : "Your Content-Security-Policy needs script-src 'self' 'wasm-unsafe-eval'.";
  }

  // The feed's bytes: the chosen file, else what the browser can read at the URL.
  async function feedBytes(url) {
    const file = document.getElementById('catalog-file').files[0];
    if (file) return { name: file.name, bytes: await file.arrayBuffer() };
    let response;
    try {
      response = await fetch(new URL(url, location.href), { credentials: 'omit' });
    } catch (e) {
      throw new Error(`your browser could not read ${url} (${e.message}); if it is on your shop, it may not allow other origins (CORS): download it and choose the file`);
    }
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    return { name: url, bytes: await response.arrayBuffer() };
  }

  // The live preview: the widget on the checked feed, with the form's settings.
  let checked = false;
  function preview() {
    const frame = document.getElementById('preview');
    if (!checked) { frame.hidden = true; return; }
    const f = new FormData(form);
    const query = new URLSearchParams();
    for (const name of ['locale', 'currency', 'limit', 'theme']) {
      const value = String(f.get(name) || '').trim();
      if (value) query.set(name, value);
    }
    query.set('v', String(Date.now()));
    frame.src = `/preview?${query}`;
    frame.hidden = false;
  }

  async function check() {
    const result = document.getElementById('check-result');
    const report = document.getElementById('check-report');
    const url = settings().out[0][1];
    result.textContent = 'Checking…';
    result.dataset.state = 'busy';
    report.hidden = true;
    checked = false;
    try {
      const feed = await feedBytes(url);
      const response = await fetch('/check', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: feed.bytes });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
      report.textContent = answer.report;
      report.hidden = false;
      checked = answer.products > 0;
      result.textContent = checked
        ? `${feed.name}: ${answer.products} products read, ${answer.skipped} skipped, ${answer.warnings} warnings. The preview below shows Tailor on it.`
        : `${feed.name}: no usable products (see why below).`;
      result.dataset.state = checked ? 'ok' : 'error';
    } catch (e) {
      result.textContent = `Could not check the catalog: ${e.message}.`;
      result.dataset.state = 'error';
    }
    preview();
  }

  form.addEventListener('input', render);
  form.addEventListener('change', () => { render(); preview(); });
  document.getElementById('check').addEventListener('click', check);
  document.getElementById('copy').addEventListener('click', () => navigator.clipboard?.writeText(snippet.textContent));
  render();
})();
