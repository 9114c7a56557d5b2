import { HOME_LIMITS, type HomeContent, renderHome } from '../domain/app-home.js';
import { groupsOf, mayDecide, ruleFor } from '../domain/policy.js';
import { isTerminal, type ResetRequest } from '../domain/reset-request.js';
import type { FlowDeps } from './flow-deps.js';

/** How far back in the audit trail the Home tab looks for finished requests. */
const AUDIT_LOOKBACK = 300;

/** What one person's Home tab shows now, read from the request store and the policy. */
export async function homeContent(
  deps: Pick<FlowDeps, 'store' | 'groups' | 'policy' | 'logger'>,
  userId: string,
): Promise<HomeContent> {
  try {
    const active = await Promise.all((await deps.store.activeIds()).map((id) => deps.store.get(id)));
    const pending = active
      .filter((r): r is ResetRequest => r?.state === 'pending')
      .sort((a, b) => a.createdAt - b.createdAt);
    const waiting: ResetRequest[] = [];
    for (const request of pending) {
      const rule = ruleFor(deps.policy, request.distributionName);
      const members = await deps.groups.members(groupsOf(rule));
      if (mayDecide(rule, userId, request, members, 'approve').allowed) waiting.push(request);
    }
    return {
      waiting,
      mine: pending.filter((r) => r.requesterId === userId),
      recent: await recentlyFinished(deps),
    };
  } catch (error) {
    deps.logger.warn({ err: error, user: userId }, 'could not read the requests for the Home tab');
    return {
      waiting: [],
      mine: [],
      recent: [],
      problem: "I can't read the requests right now; open the tab again in a minute.",
    };
  }
}

async function recentlyFinished(deps: Pick<FlowDeps, 'store'>): Promise<ResetRequest[]> {
  const ids: string[] = [];
  for (const entry of await deps.store.recentAudit(AUDIT_LOOKBACK)) {
    if (!ids.includes(entry.requestId)) ids.push(entry.requestId);
  }
  const finished: ResetRequest[] = [];
  for (const id of ids) {
    const request = await deps.store.get(id);
    if (request && isTerminal(request.state)) finished.push(request);
    if (finished.length >= HOME_LIMITS.recent) break;
  }
  return finished;
}

/** Shows `userId` their Home tab, with what came of their last click there, if anything. */
export async function publishHome(deps: FlowDeps, userId: string, notice?: string): Promise<void> {
  const content = await homeContent(deps, userId);
  await deps.slack.publishHome(userId, renderHome({ ...content, ...(notice ? { notice } : {}) }));
}
