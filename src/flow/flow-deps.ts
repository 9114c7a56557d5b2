import type { Queue } from 'bullmq';
import type { Block } from '../domain/approval-card.js';
import type { Policy } from '../domain/policy.js';
import type { LightsailGateway } from '../lightsail/lightsail-gateway.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { SlackMessenger } from '../slack/slack-messenger.js';
import type { UserGroupDirectory } from '../slack/user-groups.js';
import type { RequestStore } from '../store/request-store.js';

/** What the request flow needs from the outside world; main.ts wires the real adapters in. */
export interface FlowDeps {
  store: RequestStore;
  lightsail: LightsailGateway;
  slack: SlackMessenger;
  groups: UserGroupDirectory;
  resetQueue: Queue;
  expiryQueue: Queue;
  /** Acked slash commands, answered by a worker (the web side only acks and queues them). */
  intakeQueue: Queue;
  policy: Policy;
  logger: Logger;
  metrics?: Metrics;
}

/** Said to one person only (ephemeral): the reason something did not happen, or what did. */
export type PrivateReply = string | undefined;

/** A private reply that may carry buttons (suggestions). */
export type RichPrivateReply = PrivateReply | { text: string; blocks: Block[] };
