import { type Block, decisionButtons, headline } from './approval-card.js';
import { COMMAND } from './command-text.js';
import { code, escapeWithin, mention, slackDate, truncate } from './mrkdwn.js';
import type { ResetRequest } from './reset-request.js';

export const HOME_REFRESH_ACTION_ID = 'home_refresh';
/** Slack's Home tab holds at most 100 blocks: these caps keep the view well under it. */
export const HOME_LIMITS = { waiting: 15, mine: 10, recent: 10 } as const;

export interface HomeContent {
  /** Pending requests this person may approve now. */
  waiting: ResetRequest[];
  /** Pending requests this person asked for (they may cancel them). */
  mine: ResetRequest[];
  /** The latest finished requests, newest first. */
  recent: ResetRequest[];
  /** What came of this person's last click on the tab, said at the top. */
  notice?: string;
  /** Set when part of the tab could not be read (Redis away): said instead of pretending it is empty. */
  problem?: string;
}

/** The app's Home tab for one person: what waits for their approval, their open requests, recent resets. */
export function renderHome(content: HomeContent): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [
    { type: 'header', block_id: 'title', text: { type: 'plain_text', text: 'Lightsail cache resets' } },
  ];
  if (content.notice) {
    blocks.push({
      type: 'section',
      block_id: 'notice',
      text: { type: 'mrkdwn', text: truncate(content.notice, 2900) },
    });
  }
  if (content.problem) {
    blocks.push({
      type: 'section',
      block_id: 'problem',
      text: { type: 'mrkdwn', text: `:warning: ${content.problem}` },
    });
  }

  blocks.push(sectionTitle('waiting_title', 'Waiting for your approval'));
  if (content.waiting.length === 0) blocks.push(quiet('waiting_none', 'Nothing waits for you.'));
  for (const request of content.waiting.slice(0, HOME_LIMITS.waiting)) {
    blocks.push(
      summary(`waiting_${request.id}`, request, [
        `asked by ${mention(request.requesterId)} in <#${request.channelId}>`,
        request.approvalsRequired > 1
          ? `${request.approvals.length} of ${request.approvalsRequired} approvals`
          : undefined,
        `expires ${slackDate(request.expiresAt)}`,
      ]),
      decisionButtons(request, `decide_${request.id}`, ['approve', 'deny']),
    );
  }
  blocks.push(...more('waiting_more', content.waiting.length, HOME_LIMITS.waiting));

  if (content.mine.length > 0) {
    blocks.push(sectionTitle('mine_title', 'Your requests'));
    for (const request of content.mine.slice(0, HOME_LIMITS.mine)) {
      blocks.push(
        summary(`mine_${request.id}`, request, [
          `in <#${request.channelId}>`,
          `expires ${slackDate(request.expiresAt)}`,
        ]),
        decisionButtons(request, `cancel_${request.id}`, ['cancel']),
      );
    }
    blocks.push(...more('mine_more', content.mine.length, HOME_LIMITS.mine));
  }

  blocks.push(sectionTitle('recent_title', 'Recent resets'));
  if (content.recent.length === 0) blocks.push(quiet('recent_none', 'No request has finished yet.'));
  for (const request of content.recent.slice(0, HOME_LIMITS.recent)) {
    blocks.push(summary(`recent_${request.id}`, request, finishedFacts(request)));
  }

  blocks.push({
    type: 'actions',
    block_id: 'home_actions',
    elements: [
      {
        type: 'button',
        action_id: HOME_REFRESH_ACTION_ID,
        text: { type: 'plain_text', text: 'Refresh' },
        value: 'refresh',
      },
    ],
  });
  blocks.push({
    type: 'context',
    block_id: 'usage',
    elements: [
      {
        type: 'mrkdwn',
        text: `Ask for a reset with \`${COMMAND} <distribution-name>\` in a channel (or \`${COMMAND}\` alone for a list); \`${COMMAND} help\` says more.`,
      },
    ],
  });
  return { type: 'home', blocks };
}

function sectionTitle(blockId: string, text: string): Block {
  return { type: 'header', block_id: blockId, text: { type: 'plain_text', text } };
}

function quiet(blockId: string, text: string): Block {
  return { type: 'context', block_id: blockId, elements: [{ type: 'mrkdwn', text }] };
}

function more(blockId: string, count: number, shown: number): Block[] {
  return count > shown
    ? [quiet(blockId, `…and ${count - shown} more; \`${COMMAND} status\` lists them all.`)]
    : [];
}

function summary(blockId: string, request: ResetRequest, facts: Array<string | undefined>): Block {
  const line = [headline(request), facts.filter(Boolean).join(' · ')].join('\n');
  return { type: 'section', block_id: blockId, text: { type: 'mrkdwn', text: truncate(line, 2900) } };
}

function finishedFacts(request: ResetRequest): string[] {
  const facts = [`asked by ${mention(request.requesterId)} in <#${request.channelId}>`];
  const at = request.finishedAt ?? request.decidedAt;
  if (at !== undefined) facts.push(slackDate(at));
  if (request.state === 'failed' && (request.errorCode || request.errorDetails)) {
    facts.push(escapeWithin([request.errorCode, request.errorDetails].filter(Boolean).join(': '), 300));
  }
  if (request.operationId) facts.push(`operation ${code(request.operationId)}`);
  return facts;
}
