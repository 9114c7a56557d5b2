/**
 * Delay before the next GetOperation, from how long the operation has run: that time plus the first
 * interval, at most the largest. Polls so land at 1, 3, 7, 15... first intervals after the reset (each
 * gap doubles), and since it needs no count of polls, a poll that finds nothing new writes nothing and a
 * restart keeps the pace.
 */
export function nextPollDelay(runningForMs: number, firstMs: number, maxMs: number): number {
  const ran = Number.isNaN(runningForMs) ? 0 : Math.max(runningForMs, 0);
  return Math.min(maxMs, firstMs + ran);
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
