// Types for Tailor's page API (README "Add it to your shop"). Loading
// tailor.js (a classic script, also importable for its side effect by a
// bundler) defines `window.tailor`; it finds tailor_bg.wasm next to itself.

export type SlotName = 'recommendations' | 'similar' | 'recently-viewed' | 'thank-you' | 'survey';

export interface PurchaseItem { id: string; qty?: number; price?: number }
export interface Purchase { order: string; items: PurchaseItem[]; name?: string }

/** Settings: `window.tailorConfig`, same names as the script tag's data-* in camelCase. */
export interface TailorConfig {
  catalog: string;
  model?: string;
  locale?: string;
  currency?: string;
  limit?: number;
  theme?: 'auto' | 'light' | 'dark';
  debug?: boolean;
  surveyEndpoint?: string;
  surveyComments?: 'text' | 'topic-only';
  surveyPrivacy?: 'none' | 'rr';
  reportEndpoint?: string;
}

export interface TailorCommand {
  (command: 'view' | 'cart', product: { id: string }): void;
  (command: 'purchase', purchase: Purchase): void;
  (command: 'consent', granted: boolean): void;
  (command: 'forget'): void;
  q?: unknown[][];
}

export interface SurveyAnswer {
  survey: string;
  kind: 'csat' | 'nps' | 'ces';
  score: number;
  comment?: string;
  locale: string;
  context?: string;
}

/** `detail` of each `tailor:*` event dispatched on `document`. */
export interface TailorEventMap {
  'tailor:ready': CustomEvent<{ products: number; events: number }>;
  'tailor:shown': CustomEvent<{ slot: SlotName; items: string[] }>;
  'tailor:click': CustomEvent<{ slot: SlotName; item: string; position: number }>;
  'tailor:survey-answer': CustomEvent<SurveyAnswer>;
  'tailor:error': CustomEvent<{ source: string; message: string }>;
}

declare global {
  interface Window {
    tailor: TailorCommand;
    tailorConfig?: TailorConfig;
  }
  interface DocumentEventMap extends TailorEventMap {}
}
