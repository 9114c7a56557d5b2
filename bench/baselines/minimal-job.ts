/** The job of the minimal baseline worker: which distribution, and the card to report under. */
export interface MinimalJob {
  distributionName: string;
  channel: string;
  cardTs: string;
}

export const MINIMAL_QUEUE = 'minimal-reset';

/** The job of the minimal card bot: a slash command its web half acked, for its worker to card. */
export interface MinimalCardJob {
  distributionName: string;
  channel: string;
}

export const MINIMAL_CARD_QUEUE = 'minimal-card';

export const MINIMAL_WORKER_SCRIPT = new URL('./minimal-worker.ts', import.meta.url);
export const BARE_BOLT_SCRIPT = new URL('./bare-bolt.ts', import.meta.url);
export const MINIMAL_CARD_WEB_SCRIPT = new URL('./minimal-card-web.ts', import.meta.url);
export const MINIMAL_CARD_WORKER_SCRIPT = new URL('./minimal-card-worker.ts', import.meta.url);
