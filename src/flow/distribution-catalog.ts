import { classifyLightsailError } from '../lightsail/classify-lightsail-error.js';
import type { FlowDeps } from './flow-deps.js';

/** How long the list of names is reused: the picker, its type-ahead and did-you-mean all read it. */
export const NAMES_TTL_MS = 30_000;

type Listing = { names: string[] } | { problem: string };
const cache = new WeakMap<object, { listing: Promise<Listing>; until: number }>();

/**
 * The account's distribution names (every page of GetDistributions), cached briefly and shared by
 * concurrent callers; a failure is not cached, and is said in words a person can act on.
 */
export function distributionNames(deps: Pick<FlowDeps, 'lightsail' | 'logger'>): Promise<Listing> {
  const cached = cache.get(deps.lightsail);
  if (cached && cached.until > Date.now()) return cached.listing;
  const listing: Promise<Listing> = deps.lightsail.listDistributionNames().then(
    (names) => ({ names }),
    (error: unknown) => {
      cache.delete(deps.lightsail);
      deps.logger.warn({ err: error }, 'could not list the distributions');
      return { problem: classifyLightsailError(error).reason };
    },
  );
  cache.set(deps.lightsail, { listing, until: Date.now() + NAMES_TTL_MS });
  return listing;
}
