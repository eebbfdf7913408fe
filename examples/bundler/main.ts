// A shop's entry point with a bundler (Vite, webpack, esbuild…).
import type { TailorConfig } from 'tailor-widget';

window.tailorConfig = {
  catalog: '/catalog.json',
  surveyEndpoint: 'https://collect.shop.example/v1/answers',
  surveyComments: 'topic-only',
} satisfies TailorConfig;
window.tailor = window.tailor || function (...args: unknown[]) { (window.tailor.q = window.tailor.q || []).push(args); };

await import('tailor-widget');

window.tailor('view', { id: 'sku-1' });
document.addEventListener('tailor:click', (event) => {
  console.log(`clicked ${event.detail.item} in ${event.detail.slot}`);
});
