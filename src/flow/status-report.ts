import { code, mention } from '../domain/mrkdwn.js';
import type { ResetRequest } from '../domain/reset-request.js';
import type { FlowDeps } from './flow-deps.js';

const ORDER = ['running', 'approved', 'pending'] as const;

/** `/lightsail-reset status`: what waits for approval and what runs, with links to the cards. */
export async function statusReport(deps: Pick<FlowDeps, 'store' | 'slack'>): Promise<string> {
  const ids = await deps.store.activeIds();
  const requests = (await Promise.all(ids.map((id) => deps.store.get(id)))).filter(
    (r): r is ResetRequest => r !== undefined && (ORDER as readonly string[]).includes(r.state),
  );
  if (requests.length === 0) return ':zzz: Nothing is waiting for approval and no reset is running.';
  requests.sort(
    (a, b) => ORDER.indexOf(a.state as never) - ORDER.indexOf(b.state as never) || a.createdAt - b.createdAt,
  );
  const lines = await Promise.all(
    requests.slice(0, 30).map(async (r) => {
      const link = r.cardTs
        ? await deps.slack.permalink(r.channelId, r.cardTs).catch(() => undefined)
        : undefined;
      const what = link ? `<${link}|${r.state}>` : r.state;
      const waiting =
        r.state === 'pending' && r.approvalsRequired > 1
          ? ` (${r.approvals.length} of ${r.approvalsRequired} approvals)`
          : '';
      return `• ${code(r.distributionName)}: ${what}${waiting}, asked by ${mention(r.requesterId)}${r.breakGlass ? ' :rotating_light: break-glass' : ''}`;
    }),
  );
  const more = requests.length > 30 ? `\n…and ${requests.length - 30} more.` : '';
  return `*Cache resets in progress*\n${lines.join('\n')}${more}`;
}
