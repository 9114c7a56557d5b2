import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Logger } from '../../observability/logger.js';

/** What a guard needs to know of an inbound Slack request: who sent it and its one-time id. */
function describeDelivery(body: unknown): { teamId: string | undefined; deliveryId: string | undefined } {
  const b = (body ?? {}) as {
    team_id?: unknown;
    team?: { id?: unknown };
    trigger_id?: unknown;
    event_id?: unknown;
    user?: { team_id?: unknown };
  };
  const teamId = [b.team_id, b.team?.id, b.user?.team_id].find((v): v is string => typeof v === 'string');
  const deliveryId = [b.trigger_id, b.event_id].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  return { teamId, deliveryId };
}

type Ackable = { ack?: (response?: unknown) => Promise<void> };

/**
 * Drops requests from any workspace but ours (a leaked signing secret, or a stray org-wide install):
 * acked, so Slack does not retry, and never acted on.
 */
export function teamGuard(
  ourTeamId: () => string | undefined,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { teamId } = describeDelivery(args.body);
    const ours = ourTeamId();
    if (ours && teamId && teamId !== ours) {
      logger.warn({ teamId }, 'refused a request from another workspace');
      await (args as Ackable).ack?.();
      return;
    }
    await args.next();
  };
}

/**
 * Acts on each delivery once: a signed request replayed within Slack's 5-minute window, or redelivered
 * with X-Slack-Retry-Num, carries the same trigger id and is acked and dropped.
 */
export function replayGuard(
  firstDelivery: (deliveryId: string) => Promise<boolean>,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { deliveryId } = describeDelivery(args.body);
    if (deliveryId) {
      let first = true;
      try {
        first = await firstDelivery(deliveryId);
      } catch (error) {
        // Redis is away: the flow itself will answer "try again"; a replay cannot get further than that.
        logger.warn({ err: error }, 'could not check for a replayed delivery');
      }
      if (!first) {
        logger.warn({ deliveryId }, 'ignored a replayed or redelivered Slack request');
        await (args as Ackable).ack?.();
        return;
      }
    }
    await args.next();
  };
}

export function registerGuards(
  app: App,
  ourTeamId: () => string | undefined,
  firstDelivery: (deliveryId: string) => Promise<boolean>,
  logger: Logger,
): void {
  app.use(teamGuard(ourTeamId, logger));
  app.use(replayGuard(firstDelivery, logger));
}
