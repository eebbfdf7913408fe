// The gallery index: one labelled frame per widget state. Built with DOM
// calls (no HTML strings), so it runs under the strict CSP and Trusted Types.
'use strict';

const STATES = [
  ['Recommendation rail', 'rails', 'The "for you", "similar" and "recently viewed" rails, with a price-drop badge and a welcome back heading.'],
  ['Grid layout', 'grid', 'data-layout="grid" wraps the cards instead of scrolling.'],
  ['Loading', 'loading', 'Skeleton placeholders while the catalog loads.'],
  ['New since your last visit', 'new-arrivals', 'For a returning shopper: products added since their last visit, in the categories they like. Nothing on a first visit.'],
  ['Empty', 'empty', 'A slot with nothing to show takes no space (the dashed line marks where it is).'],
  ['Thank-you', 'thank-you', 'After tailor(\'purchase\', …): the shopper\'s first name, what they bought, and what goes with it.'],
  ['Survey: CSAT', 'survey-csat', 'One tap on a star.'],
  ['Survey: NPS', 'survey-nps', 'Zero to ten.'],
  ['Survey: CES', 'survey-ces', 'One to seven.'],
  ['Survey: answered', 'survey-answered', 'After the tap: thanks and an optional comment.'],
];
const VARIANTS = [
  ['Hebrew, right to left', 'he', 'light', ['rails', 'new-arrivals', 'thank-you', 'survey-nps']],
  ['Chinese', 'zh', 'light', ['rails', 'new-arrivals', 'thank-you', 'survey-csat']],
  ['Arabic', 'ar', 'light', ['rails']],
  ['German, French, Spanish', 'de', 'light', ['survey-ces']],
  ['', 'fr', 'light', ['thank-you']],
  ['', 'es', 'light', ['rails']],
  ['Dark', 'en', 'dark', ['rails', 'new-arrivals', 'thank-you', 'survey-csat', 'survey-answered']],
  ['Dark, Hebrew', 'he', 'dark', ['rails']],
];
const HEIGHTS = { 'new-arrivals': 420, rails: 1180, grid: 760, loading: 360, empty: 120, 'thank-you': 520, 'survey-answered': 230 };

function el(name, attributes = {}, text) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(view, lang, theme, label) {
  const src = `/gallery/frame.html?view=${view}&lang=${lang}&theme=${theme}`;
  const figure = el('figure', { class: 'gallery-item' });
  const caption = el('figcaption');
  caption.append(el('a', { href: src }, label));
  caption.append(el('span', { class: 'gallery-tag' }, `${lang} · ${theme}`));
  figure.append(caption);
  const height = HEIGHTS[view] || 260;
  figure.append(el('iframe', { src, title: `${label} (${lang}, ${theme})`, loading: 'lazy', height: String(height), class: `gallery-frame h-${view}` }));
  return figure;
}

function section(title, intro) {
  const s = el('section', { class: 'gallery-section' });
  s.append(el('h2', {}, title));
  if (intro) s.append(el('p', { class: 'gallery-intro' }, intro));
  return s;
}

function build() {
  const main = document.querySelector('[data-gallery]');
  for (const [title, view, intro] of STATES) {
    const s = section(title, intro);
    s.append(frame(view, 'en', 'light', title));
    main.append(s);
  }
  for (const [title, lang, theme, views] of VARIANTS) {
    const s = section(title || `${lang}`, '');
    for (const view of views) {
      const name = STATES.find(([, v]) => v === view)[0];
      s.append(frame(view, lang, theme, name));
    }
    main.append(s);
  }
}

build();
