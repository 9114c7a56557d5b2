/** The job of the minimal baseline worker: which distribution, and the card to report under. */
export interface MinimalJob {
  distributionName: string;
  channel: string;
  cardTs: string;
}

export const MINIMAL_QUEUE = 'minimal-reset';

export const MINIMAL_WORKER_SCRIPT = new URL('./minimal-worker.ts', import.meta.url);
export const BARE_BOLT_SCRIPT = new URL('./bare-bolt.ts', import.meta.url);
