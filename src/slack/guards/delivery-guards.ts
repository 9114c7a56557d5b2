import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';

/** Where the bot is installed, as auth.test said: a workspace, or a whole Enterprise Grid org. */
export interface Installation {
  teamId: string | undefined;
  /** Set for an org-wide install (org-ready app installed at the org level). */
  enterpriseId?: string;
}

/** What a guard needs to know of an inbound Slack request: who sent it and its one-time id. */
function describeDelivery(body: unknown): {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  deliveryId: string | undefined;
} {
  const b = (body ?? {}) as {
    team_id?: unknown;
    enterprise_id?: unknown;
    team?: { id?: unknown; enterprise_id?: unknown };
    enterprise?: { id?: unknown } | null;
    trigger_id?: unknown;
    event_id?: unknown;
    user?: { team_id?: unknown };
  };
  const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  const teamId = [b.team_id, b.team?.id, b.user?.team_id].find(isString);
  const enterpriseId = [b.enterprise_id, b.enterprise?.id, b.team?.enterprise_id].find(isString);
  const deliveryId = [b.trigger_id, b.event_id].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  return { teamId, enterpriseId, deliveryId };
}

/** Ours: the workspace of the install, or any workspace of the org for an org-wide install. */
export function isFromOurInstall(
  delivery: { teamId?: string; enterpriseId?: string },
  ours: Installation,
): boolean {
  if (ours.enterpriseId) return delivery.enterpriseId === ours.enterpriseId;
  return !ours.teamId || !delivery.teamId || delivery.teamId === ours.teamId;
}

type Ackable = { ack?: (response?: unknown) => Promise<void> };

/**
 * One middleware for both checks, since Bolt runs every global middleware on every request:
 * - requests from any workspace but ours (a leaked signing secret, or a stray org-wide install) are
 *   acked, so Slack does not retry, and never acted on;
 * - each delivery is acted on once: a signed request replayed within Slack's 5-minute window, or
 *   redelivered with X-Slack-Retry-Num, carries the same trigger id and is acked and dropped.
 */
export function deliveryGuard(
  ourInstall: () => Installation | undefined,
  firstDelivery: (deliveryId: string) => Promise<boolean>,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const delivery = describeDelivery(args.body);
    const ours = ourInstall();
    if (ours && !isFromOurInstall(delivery, ours)) {
      logger.warn(
        { teamId: delivery.teamId, enterpriseId: delivery.enterpriseId },
        'refused a request from another workspace',
      );
      await (args as Ackable).ack?.();
      return;
    }
    // Slash commands are acked and queued first, and checked by the worker that answers them (onceOnly),
    // so that no Redis round trip stands between Slack and the ack.
    const isCommand = typeof (args.body as { command?: unknown } | undefined)?.command === 'string';
    if (!isCommand && !(await onceOnly(firstDelivery, delivery.deliveryId, logger))) {
      await (args as Ackable).ack?.();
      return;
    }
    await args.next();
  };
}

/**
 * The replay check: true when this delivery is seen for the first time, or Redis cannot say (the flow
 * itself will then answer "try again"; a replay cannot get further than that). Made by the guard, and
 * for a slash command by the worker that answers it.
 */
export async function onceOnly(
  firstDelivery: (deliveryId: string) => Promise<boolean>,
  deliveryId: string | undefined,
  logger: Logger,
): Promise<boolean> {
  if (!deliveryId) return true;
  try {
    if (await firstDelivery(deliveryId)) return true;
  } catch (error) {
    logger.warn({ err: error }, 'could not check for a replayed delivery');
    return true;
  }
  logger.warn({ deliveryId }, 'ignored a replayed or redelivered Slack request');
  return false;
}

export function registerGuards(
  app: App,
  ourInstall: () => Installation | undefined,
  firstDelivery: (deliveryId: string) => Promise<boolean>,
  logger: Logger,
): void {
  app.use(deliveryGuard(ourInstall, firstDelivery, logger));
}
