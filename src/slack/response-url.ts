import type { Block } from '../domain/approval-card.js';

/** What the bot says to one person through a response_url (only they see it). */
export interface EphemeralAnswer {
  text: string;
  blocks?: Block[];
}

export type Respond = (answer: EphemeralAnswer) => Promise<void>;

const ATTEMPTS = 3;
const TIMEOUT_MS = 5_000;
const BACKOFF_MS = [300, 1_000];

export class ResponseUrlError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ResponseUrlError';
  }
}

/**
 * Answers a slash command through its response_url, from any process (the web side acks; a worker
 * answers). Network errors, 429 and 5xx are tried again a few times; a 4xx (expired or used up URL) is
 * final. The URL itself is a credential for the channel and is never put into an error or a log.
 */
export function responseUrlResponder(responseUrl: string, sleep = defaultSleep): Respond {
  return async (answer) => {
    const body = JSON.stringify({ response_type: 'ephemeral', ...answer });
    let lastError: ResponseUrlError | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(BACKOFF_MS[attempt - 1] ?? 1_000);
      let status: number;
      try {
        const res = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        status = res.status;
        await res.body?.cancel();
      } catch (error) {
        lastError = new ResponseUrlError(
          `the response_url did not answer (${error instanceof Error ? error.name : 'error'})`,
        );
        continue;
      }
      if (status < 300) return;
      lastError = new ResponseUrlError(`the response_url answered HTTP ${status}`, status);
      if (status !== 429 && status < 500) break;
    }
    throw lastError ?? new ResponseUrlError('the response_url was not tried');
  };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
