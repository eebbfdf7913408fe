// Tailor's collector dashboard: reads /v1/summary (already suppressed below
// k answers by the server) and draws it with uPlot. Built with DOM calls
// only (no innerHTML), so shoppers' comments are always shown as text.
'use strict';

(function () {
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  };
  const fmt = (x, digits = 1) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));
  const pct = (x) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);
  const names = { csat: 'CSAT', nps: 'NPS', ces: 'CES' };
  const dayToSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

  function lineChart(title, days) {
    const shown = days.filter((d) => !d.suppressed);
    if (shown.length === 0) return el('p', { class: 'suppressed' }, 'Every day has fewer answers than k: nothing to chart yet.');
    const box = el('div', { class: 'chart', role: 'img', 'aria-label': `${title} by day` });
    const data = [shown.map((d) => dayToSeconds(d.day)), shown.map((d) => d.value), shown.map((d) => d.answers)];
    // eslint-disable-next-line no-new, no-undef
    new uPlot({
      title: `${title} by day`, width: 440, height: 220,
      // A day either side, so one or two days still read as dates.
      scales: { x: { time: true, range: () => [data[0][0] - 86400, data[0][data[0].length - 1] + 86400] } },
      series: [{}, { label: title, stroke: '#2563eb', width: 2, points: { show: true } },
        { label: 'answers', stroke: '#999', dash: [4, 4], scale: 'n' }],
      axes: [{}, {}, { side: 1, scale: 'n', grid: { show: false } }],
    }, data, box);
    return box;
  }

  function barChart(title, distribution) {
    const box = el('div', { class: 'chart', role: 'img', 'aria-label': `${title} score distribution` });
    const xs = distribution.map(([score]) => score);
    const ys = distribution.map(([, count]) => count);
    // eslint-disable-next-line no-undef
    const bars = uPlot.paths.bars({ size: [0.7, 40] });
    // eslint-disable-next-line no-new, no-undef
    new uPlot({
      title: `${title} scores`, width: 360, height: 220,
      scales: {
        x: { time: false, range: [xs[0] - 0.5, xs[xs.length - 1] + 0.5] },
        y: { range: (u, min, max) => [0, Math.max(1, max) * 1.15] },
      },
      axes: [{ values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? v : '')) }, {}],
      series: [{}, { label: 'answers', fill: '#2563eb88', stroke: '#2563eb', paths: bars, points: { show: false } }],
    }, [xs, ys], box);
    return box;
  }

  function surveys(summary) {
    const root = document.getElementById('surveys');
    root.replaceChildren();
    if (summary.surveys.length === 0) root.append(el('p', { class: 'note' }, 'No answers yet.'));
    for (const s of summary.surveys) {
      const title = names[s.kind] || s.kind;
      const card = el('div', { class: 'card', 'data-kind': s.kind },
        el('h3', {}, title), el('p', { class: 'note' }, s.metric));
      if (s.suppressed) {
        card.append(el('p', { class: 'suppressed' }, `${s.answers} answers: fewer than k = ${summary.k}, so no figures are shown yet.`));
      } else {
        card.append(el('p', { class: 'headline' }, fmt(s.value)),
          el('p', {}, `${s.answers} answers${s.randomized ? ` (${s.randomized} randomized on the device, estimated)` : ''}`));
        card.append(el('div', { class: 'charts' }, lineChart(title, s.days), barChart(title, s.distribution)));
      }
      root.append(card);
    }
  }

  function topics(summary) {
    const root = document.getElementById('topics');
    root.replaceChildren();
    if (summary.topics.length === 0) { root.append(el('p', { class: 'note' }, 'No comments yet.')); return; }
    const body = el('tbody', {});
    for (const t of summary.topics) {
      const examples = el('td', {});
      if (t.suppressed) examples.append(el('span', { class: 'suppressed' }, `fewer than ${summary.k}`));
      for (const e of t.examples) examples.append(el('blockquote', {}, e));
      body.append(el('tr', { 'data-topic': t.topic }, el('th', { scope: 'row' }, t.topic.replace('-', ' ')),
        el('td', { class: 'number' }, t.count === null ? '—' : t.count), examples));
    }
    root.append(el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Topic'),
      el('th', { scope: 'col' }, 'Comments'), el('th', { scope: 'col' }, 'Latest examples'))), body));
  }

  // Click-through and revenue share side by side, one group per slot
  // (suppressed slots are left out: they have no figures).
  function slotChart(shown) {
    const box = el('div', { class: 'chart', role: 'img', 'aria-label': 'Click-through and revenue share by slot' });
    const xs = shown.map((_, i) => i);
    const percent = (x) => (x === null || x === undefined ? null : 100 * x);
    // eslint-disable-next-line no-undef
    const bars = (offset) => uPlot.paths.bars({ size: [0.35, 40], align: offset });
    // eslint-disable-next-line no-new, no-undef
    new uPlot({
      title: 'By slot (%)', width: 480, height: 240,
      scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, y: { range: [0, 100] } },
      axes: [{ values: (u, vals) => vals.map((v) => (Number.isInteger(v) && shown[v] ? shown[v].slot : '')) }, {}],
      series: [{},
        { label: 'click-through', fill: '#2563eb88', stroke: '#2563eb', paths: bars(-1), points: { show: false } },
        { label: 'revenue share', fill: '#16a34a88', stroke: '#16a34a', paths: bars(1), points: { show: false } }],
    }, [xs, shown.map((s) => percent(s.click_through)), shown.map((s) => percent(s.revenue_share))], box);
    return box;
  }

  function slots(summary) {
    const root = document.getElementById('slots');
    root.replaceChildren();
    if (summary.slots.length === 0) { root.append(el('p', { class: 'note' }, 'No daily reports yet (set data-report-endpoint on the script tag).')); return; }
    const body = el('tbody', {});
    const hidden = `fewer than ${summary.k}`;
    for (const s of summary.slots) {
      const revenue = s.suppressed || s.revenue_reports === null ? hidden : pct(s.revenue_share);
      body.append(el('tr', { 'data-slot': s.slot, 'data-suppressed': String(s.suppressed) }, el('th', { scope: 'row' }, s.slot),
        el('td', { class: 'number' }, s.suppressed ? hidden : s.reports),
        el('td', { class: 'number' }, pct(s.shown)), el('td', { class: 'number' }, pct(s.clicked)),
        el('td', { class: 'number' }, pct(s.click_through)), el('td', { class: 'number' }, pct(s.bought)),
        el('td', { class: 'number', 'data-figure': 'revenue-share' }, revenue)));
    }
    const head = ['Slot', 'Device-days', 'Shown', 'Clicked', 'Click-through', 'Bought after a click', 'Revenue share'];
    root.append(el('table', {}, el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))), body));
    root.append(el('p', { class: 'note' }, 'Revenue share: of a buying device-day\'s revenue, the part spent on products clicked in the slot, '
      + 'averaged over the device-days with a purchase (estimated from reports in quarters, randomized on the device).'));
    const shown = summary.slots.filter((s) => !s.suppressed);
    if (shown.length > 0) root.append(el('div', { class: 'charts' }, slotChart(shown)));
  }

  async function load() {
    const totals = document.getElementById('totals');
    try {
      const response = await fetch('/v1/summary', { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const summary = await response.json();
      const rate = summary.response_rate === null
        ? ', response rate: not enough survey reports yet'
        : `, response rate ≈ ${pct(summary.response_rate)}`;
      totals.textContent = `${summary.answers} answers, ${summary.reports} daily reports${rate}.`;
      document.getElementById('privacy-note').textContent =
        `Breakdowns with fewer than k = ${summary.k} answers or reports are hidden. Randomized scores, report bits and revenue levels each use ε = ln 3.`;
      surveys(summary);
      topics(summary);
      slots(summary);
      document.body.dataset.loaded = 'true';
    } catch (e) {
      totals.textContent = `Could not load the summary: ${e.message}`;
    }
  }

  load();
})();
