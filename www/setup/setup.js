// Tailor's setup page: writes the script tag and slot markup from the form.
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
    for (const name of ['locale', 'currency', 'limit', 'theme']) if (get(name)) out.push([name, get(name)]);
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

  async function check() {
    const result = document.getElementById('check-result');
    const url = settings().out[0][1];
    result.textContent = 'Checking…';
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const json = await response.json();
      const list = Array.isArray(json) ? json : json.products || json.itemListElement || [];
      const usable = list.filter((p) => p && (p.id || p.sku || p['@id'] || (p.item && p.item.sku)) && (p.title || p.name || (p.item && p.item.name)));
      result.textContent = `${url}: ${list.length} records, ${usable.length} with an id and a title.`;
    } catch (e) {
      result.textContent = `${url}: could not be read (${e.message}).`;
    }
  }

  form.addEventListener('input', render);
  form.addEventListener('change', render);
  document.getElementById('check').addEventListener('click', check);
  document.getElementById('copy').addEventListener('click', () => navigator.clipboard?.writeText(snippet.textContent));
  render();
})();
