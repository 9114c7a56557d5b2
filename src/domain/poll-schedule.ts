/** Delay before the next GetOperation: doubles from the first interval up to the largest. */
export function nextPollDelay(pollsSoFar: number, firstMs: number, maxMs: number): number {
  const exponent = Number.isNaN(pollsSoFar) ? 0 : Math.min(Math.max(pollsSoFar, 0), 30);
  return Math.min(maxMs, firstMs * 2 ** exponent);
}

/** Jittered exponential backoff for retrying a failed call: `attempt` counts from 1. */
export function retryDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
