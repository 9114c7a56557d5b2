import { describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  type Block,
  headline,
  plainText,
  renderApprovalCard,
  type SlackMessageContent,
} from '../../src/domain/approval-card.js';
import { REQUEST_STATES, type RequestState, type ResetRequest } from '../../src/domain/reset-request.js';
import { aRequest, fieldsInState } from '../support/requests.js';

const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);
const REQUESTER = 'UREQ1';
const APPROVER = 'UAPP1';
const APPROVERS = [APPROVER, 'UAPP2'];
const APPROVER_GROUP = 'SOPS1';
const EMOJI_CODE = /:[a-z0-9_+-]+:/;

interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}
interface Button {
  type: 'button';
  action_id: string;
  text: TextObject;
  value: string;
  confirm?: { title: TextObject; text: TextObject; confirm: TextObject; deny: TextObject };
}

/** A request as it looks in each state, with fixed ids and times. */
function requestIn(state: RequestState, overrides: Partial<ResetRequest> = {}): ResetRequest {
  const base = aRequest({
    id: 'rm5x1abcd0000',
    state,
    distributionName: 'web-prod',
    domainName: 'd111111abcdef8.cloudfront.net',
    requesterId: REQUESTER,
    channelId: 'COPS1',
    cardTs: '1736933400.000100',
    createdAt: T0,
    expiresAt: T0 + 30 * 60_000,
    approverUsers: APPROVERS,
    approverGroups: [APPROVER_GROUP],
  });
  return {
    ...base,
    ...fieldsInState(state, { createdAt: T0, requesterId: REQUESTER, approverId: APPROVER }),
    ...overrides,
  };
}

function card(request: ResetRequest): SlackMessageContent {
  return renderApprovalCard(request);
}

/** Every text Slack will render from a card, fallback included. */
function renderedTexts(content: SlackMessageContent): string[] {
  const texts: string[] = [content.text];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const object = value as Record<string, unknown>;
      if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') {
        texts.push(object.text);
      }
      Object.values(object).forEach(visit);
    }
  };
  visit(content.blocks);
  return texts;
}

function sectionText(block: Block | undefined): string {
  return (block?.text as TextObject | undefined)?.text ?? '';
}

function factsOf(content: SlackMessageContent): string {
  return sectionText(content.blocks.find((block) => block.block_id === 'facts'));
}

function buttonsOf(content: SlackMessageContent): Button[] {
  const actions = content.blocks.find((block) => block.type === 'actions');
  return (actions?.elements as Button[] | undefined) ?? [];
}

function actionIdsOf(content: SlackMessageContent): string[] {
  return buttonsOf(content).map((button) => button.action_id);
}

const ALL_STATES = [...REQUEST_STATES];
const NOT_PENDING = ALL_STATES.filter((state) => state !== 'pending');

describe('renderApprovalCard', () => {
  it.each(ALL_STATES)('starts the %s card with its headline section', (state) => {
    const request = requestIn(state);
    const [first] = card(request).blocks;
    expect(first).toMatchObject({ type: 'section', block_id: 'headline' });
    expect(sectionText(first)).toBe(headline(request));
  });

  it.each(ALL_STATES)('gives the %s card a non-empty fallback text without emoji codes', (state) => {
    const { text } = card(requestIn(state));
    expect(text.trim()).not.toBe('');
    expect(text).not.toMatch(EMOJI_CODE);
    expect(text).toContain('web-prod');
  });

  it('offers Approve, Deny and Cancel on a pending card, each carrying the request id', () => {
    const content = card(requestIn('pending'));
    expect(actionIdsOf(content)).toEqual([ACTION_IDS.approve, ACTION_IDS.deny, ACTION_IDS.cancel]);
    for (const button of buttonsOf(content)) expect(button.value).toBe('rm5x1abcd0000');
  });

  it('asks for confirmation before an approval, naming the distribution', () => {
    const [approve, deny, cancel] = buttonsOf(card(requestIn('pending')));
    expect(approve?.confirm).toMatchObject({
      title: { type: 'plain_text' },
      text: { type: 'plain_text', text: expect.stringContaining('web-prod is dropped') },
      confirm: { type: 'plain_text' },
      deny: { type: 'plain_text' },
    });
    expect(deny?.confirm).toBeUndefined();
    expect(cancel?.confirm).toBeUndefined();
  });

  it('uses three distinct action ids', () => {
    expect(new Set(Object.values(ACTION_IDS)).size).toBe(3);
  });

  it.each(NOT_PENDING)('has no buttons once the request is %s', (state) => {
    const content = card(requestIn(state));
    expect(content.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(JSON.stringify(content.blocks)).not.toContain('action_id');
  });

  it.each(ALL_STATES)('names the requester, distribution and domain on the %s card', (state) => {
    const facts = factsOf(card(requestIn(state)));
    expect(facts).toContain(`<@${REQUESTER}>`);
    expect(facts).toContain('`web-prod`');
    expect(facts).toContain('d111111abcdef8.cloudfront.net');
  });

  it('leaves the domain out when Lightsail gave none', () => {
    const facts = factsOf(card(requestIn('pending', { domainName: undefined })));
    expect(facts).toContain('`web-prod`');
    expect(facts).not.toContain('(');
  });

  it('lists who can approve and when the request expires on a pending card', () => {
    const facts = factsOf(card(requestIn('pending')));
    expect(facts).toContain('*Can approve:* <@UAPP1>, <@UAPP2>, <!subteam^SOPS1>');
    expect(facts).toContain('<!date^1736935200^');
  });

  it('says nobody is configured when there are no approver users or groups', () => {
    const facts = factsOf(card(requestIn('pending', { approverUsers: [], approverGroups: [] })));
    expect(facts).toContain('*Can approve:* nobody (no approvers are configured)');
  });

  it.each(NOT_PENDING)('no longer lists approvers or expiry once %s', (state) => {
    const facts = factsOf(card(requestIn(state)));
    expect(facts).not.toContain('Can approve');
    expect(facts).not.toContain('Expires');
  });

  it.each([
    ['approved', '*Approved by:* <@UAPP1>'],
    ['running', '*Approved by:* <@UAPP1>'],
    ['succeeded', '*Approved by:* <@UAPP1>'],
    ['failed', '*Approved by:* <@UAPP1>'],
    ['denied', '*Denied by:* <@UAPP1>'],
  ] as const)('credits the decider on the %s card', (state, line) => {
    expect(factsOf(card(requestIn(state)))).toContain(line);
  });

  it('shows the operation id once there is one', () => {
    expect(factsOf(card(requestIn('running')))).toContain('*Operation:* `op-7f3a`');
    expect(factsOf(card(requestIn('approved')))).not.toContain('Operation');
  });

  it('shows the Lightsail error code and details on a failed card', () => {
    expect(factsOf(card(requestIn('failed')))).toContain('*Error:* InternalFailure: the edge refused');
  });

  it.each([
    ['only a code', { errorDetails: undefined }, '*Error:* InternalFailure'],
    ['only details', { errorCode: undefined }, '*Error:* the edge refused'],
  ])('shows the error when Lightsail gave %s', (_what, overrides, line) => {
    const facts = factsOf(card(requestIn('failed', overrides)));
    expect(facts).toContain(line);
    expect(facts).not.toContain('undefined');
  });

  it('shows no error line on a failed card without error fields', () => {
    const facts = factsOf(card(requestIn('failed', { errorCode: undefined, errorDetails: undefined })));
    expect(facts).not.toContain('*Error:*');
  });

  it.each(ALL_STATES)('keeps block ids and action ids unique on the %s card', (state) => {
    const content = card(requestIn(state));
    const blockIds = content.blocks.map((block) => block.block_id);
    expect(blockIds.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(blockIds).size).toBe(blockIds.length);
    const actionIds = actionIdsOf(content);
    expect(new Set(actionIds).size).toBe(actionIds.length);
  });

  it.each(ALL_STATES)('stays within Slack limits on the %s card', (state) => {
    const content = card(requestIn(state));
    expectWithinSlackLimits(content);
  });

  it.each(ALL_STATES)('stays within Slack limits on a %s card with long but ordinary values', (state) => {
    const content = card(
      requestIn(state, {
        distributionName: `a${'-b'.repeat(60)}`,
        domainName: `${'d'.repeat(60)}.${'e'.repeat(60)}.cloudfront.net`,
        errorDetails: 'x'.repeat(1_000),
        approverUsers: Array.from({ length: 40 }, (_, i) => `U${String(i).padStart(10, '0')}`),
        approverGroups: Array.from({ length: 10 }, (_, i) => `S${String(i).padStart(10, '0')}`),
      }),
    );
    expectWithinSlackLimits(content);
  });

  it('keeps the Approve confirm dialog within Slack limits for the longest valid name', () => {
    expectWithinSlackLimits(card(requestIn('pending', { distributionName: 'a'.repeat(255) })));
  });

  it('keeps a failed card within Slack limits however long the Lightsail error is', () => {
    expectWithinSlackLimits(card(requestIn('failed', { errorDetails: 'x'.repeat(4_000) })));
  });

  const MARKUP = ['<!channel>', '<!here>', '<@U123>', '<#C999>', '<https://evil|click>'];
  const CARRIERS: Array<{ field: keyof ResetRequest; state: RequestState; extra?: Partial<ResetRequest> }> = [
    { field: 'domainName', state: 'pending' },
    { field: 'reason', state: 'denied' },
    { field: 'reason', state: 'approved', extra: { breakGlass: true } },
    { field: 'reason', state: 'running', extra: { breakGlass: true } },
    { field: 'ruleName', state: 'pending' },
    { field: 'errorDetails', state: 'failed' },
    { field: 'errorCode', state: 'failed' },
    { field: 'operationStatus', state: 'running' },
    { field: 'operationId', state: 'running' },
    { field: 'distributionName', state: 'pending' },
  ];
  const injections = CARRIERS.flatMap(({ field, state, extra = {} }) =>
    MARKUP.map((markup) => ({ field, state, extra, markup })),
  );

  it.each(injections)(
    'escapes $markup in $field on a $state card $extra',
    ({ field, state, extra, markup }) => {
      const content = card(requestIn(state, { ...extra, [field]: `x ${markup} y` }));
      const texts = renderedTexts(content);
      for (const text of texts) expect(text).not.toContain(markup);
      expect(texts.join('\n')).toContain(markup.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    },
  );

  it('matches the agreed layout of a pending card', () => {
    expect(card(requestIn('pending')).blocks).toMatchInlineSnapshot(`
      [
        {
          "block_id": "headline",
          "text": {
            "text": ":hourglass_flowing_sand: Cache reset of \`web-prod\` is waiting for approval",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "block_id": "facts",
          "text": {
            "text": "*Distribution:* \`web-prod\`
      *Domains:* d111111abcdef8.cloudfront.net
      *Last cache reset:* none on record
      *Requested by:* <@UREQ1>
      *Can approve:* <@UAPP1>, <@UAPP2>, <!subteam^SOPS1>
      *Expires:* <!date^1736935200^{date_short_pretty} at {time}|2025-01-15 10:00 UTC>",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "block_id": "decision",
          "elements": [
            {
              "action_id": "approve_reset",
              "confirm": {
                "confirm": {
                  "text": "Approve reset",
                  "type": "plain_text",
                },
                "deny": {
                  "text": "Back",
                  "type": "plain_text",
                },
                "text": {
                  "text": "Every cached file of web-prod is dropped; the origin takes the full load until the cache fills again. Last reset: none on record.",
                  "type": "plain_text",
                },
                "title": {
                  "text": "Reset the whole cache?",
                  "type": "plain_text",
                },
              },
              "style": "primary",
              "text": {
                "text": "Approve",
                "type": "plain_text",
              },
              "type": "button",
              "value": "rm5x1abcd0000",
            },
            {
              "action_id": "deny_reset",
              "style": "danger",
              "text": {
                "text": "Deny",
                "type": "plain_text",
              },
              "type": "button",
              "value": "rm5x1abcd0000",
            },
            {
              "action_id": "cancel_reset",
              "text": {
                "text": "Cancel request",
                "type": "plain_text",
              },
              "type": "button",
              "value": "rm5x1abcd0000",
            },
          ],
          "type": "actions",
        },
        {
          "block_id": "request",
          "elements": [
            {
              "text": "Request \`rm5x1abcd0000\`",
              "type": "mrkdwn",
            },
          ],
          "type": "context",
        },
      ]
    `);
  });
});

describe('renderApprovalCard under a quorum', () => {
  const halfway = requestIn('pending', { approvalsRequired: 2, approvals: [APPROVER] });

  it('counts the approvals so far in the headline', () => {
    expect(headline(halfway)).toBe(
      ':hourglass_flowing_sand: Cache reset of `web-prod` is waiting for approval (1 of 2)',
    );
  });

  it('lists who approved so far among the facts', () => {
    expect(factsOf(card(halfway)).split('\n')).toContain('*Approvals:* 1 of 2: <@UAPP1>');
  });

  it('says 0 of 3 with nobody named before the first approval', () => {
    const request = requestIn('pending', { approvalsRequired: 3, approvals: [] });
    expect(factsOf(card(request)).split('\n')).toContain('*Approvals:* 0 of 3');
    expect(headline(request)).toMatch(/\(0 of 3\)$/);
  });

  it('keeps all three buttons until the quorum is reached', () => {
    expect(actionIdsOf(card(halfway))).toEqual([ACTION_IDS.approve, ACTION_IDS.deny, ACTION_IDS.cancel]);
  });

  it('shows no approval count when one approval is enough', () => {
    const content = card(requestIn('pending'));
    expect(factsOf(content)).not.toContain('*Approvals:*');
    expect(headline(requestIn('pending'))).not.toMatch(/\(\d+ of \d+\)/);
  });

  it('credits every approver once the quorum is reached', () => {
    const request = requestIn('approved', {
      approvalsRequired: 2,
      approvals: [APPROVER, 'UAPP2'],
      decidedBy: 'UAPP2',
    });
    expect(headline(request)).toContain('approved by <@UAPP1> and <@UAPP2>');
    expect(factsOf(card(request))).toContain('*Approved by:* <@UAPP1> and <@UAPP2>');
  });

  it('matches the agreed layout of a half-approved card under a named rule', () => {
    const request = { ...halfway, ruleName: 'web-prod*' };
    const texts = card(request)
      .blocks.filter((block) => block.type !== 'actions')
      .map((block) => sectionText(block) || (block.elements as TextObject[])[0]?.text);
    expect(texts).toMatchInlineSnapshot(`
      [
        ":hourglass_flowing_sand: Cache reset of \`web-prod\` is waiting for approval (1 of 2)",
        "*Distribution:* \`web-prod\`
      *Domains:* d111111abcdef8.cloudfront.net
      *Last cache reset:* none on record
      *Requested by:* <@UREQ1>
      *Can approve:* <@UAPP1>, <@UAPP2>, <!subteam^SOPS1>
      *Approvals:* 1 of 2: <@UAPP1>
      *Expires:* <!date^1736935200^{date_short_pretty} at {time}|2025-01-15 10:00 UTC>",
        "Request \`rm5x1abcd0000\` · policy rule \`web-prod*\`",
      ]
    `);
  });
});

describe('renderApprovalCard for a break-glass reset', () => {
  const REASON = 'checkout serves a broken bundle <!channel>';
  const ESCAPED_REASON = 'checkout serves a broken bundle &lt;!channel&gt;';
  const BREAK_GLASS_STATES = ['approved', 'running', 'succeeded', 'failed'] as const;

  function breakGlass(state: RequestState): ResetRequest {
    return requestIn(state, { breakGlass: true, reason: REASON, decidedBy: REQUESTER, approvals: [] });
  }

  it('says BREAK-GLASS loudly in the headline and fallback text of an approved card', () => {
    const content = card(breakGlass('approved'));
    expect(headline(breakGlass('approved'))).toBe(
      ':rotating_light: BREAK-GLASS cache reset of `web-prod` by <@UREQ1>, without approval: starting',
    );
    expect(content.text).toMatch(/^BREAK-GLASS cache reset of web-prod by <@UREQ1>/);
  });

  it.each(BREAK_GLASS_STATES)('keeps BREAK-GLASS in the headline and fallback text of a %s card', (state) => {
    const content = card(breakGlass(state));
    expect(headline(breakGlass(state))).toMatch(/^:rotating_light: BREAK-GLASS /);
    expect(content.text).toMatch(/^BREAK-GLASS /);
    expect(content.text).not.toMatch(EMOJI_CODE);
  });

  it.each([
    [
      'running',
      ':rotating_light: BREAK-GLASS · :arrows_counterclockwise: Resetting the cache of `web-prod`: InProgress',
    ],
    [
      'succeeded',
      ':rotating_light: BREAK-GLASS · :large_green_circle: Cache reset of `web-prod` succeeded in 2m 5s',
    ],
    ['failed', ':rotating_light: BREAK-GLASS · :red_circle: Cache reset of `web-prod` failed in 2m 5s'],
  ] as const)('says where a %s break-glass reset stands after the flag', (state, line) => {
    expect(headline(breakGlass(state))).toBe(line);
  });

  it.each(BREAK_GLASS_STATES)('shows the reason, escaped, on a %s break-glass card', (state) => {
    const facts = factsOf(card(breakGlass(state)));
    expect(facts.split('\n')).toContain(`*Break-glass reason:* \`${ESCAPED_REASON}\``);
    expect(facts).not.toContain('<!channel>');
  });

  it.each(BREAK_GLASS_STATES)('mentions every approver user and group for review on a %s card', (state) => {
    expect(factsOf(card(breakGlass(state))).split('\n')).toContain(
      '*For review by:* <@UAPP1>, <@UAPP2>, <!subteam^SOPS1>',
    );
  });

  it.each(BREAK_GLASS_STATES)('credits no approver on a %s break-glass card', (state) => {
    const content = card(breakGlass(state));
    expect(factsOf(content)).not.toContain('*Approved by:*');
    expect(content.text).not.toMatch(/approved by/);
  });

  it.each(BREAK_GLASS_STATES)('offers no buttons on a %s break-glass card', (state) => {
    expect(actionIdsOf(card(breakGlass(state)))).toEqual([]);
  });

  it('keeps a break-glass card within Slack limits however long the reason is', () => {
    const request = requestIn('approved', {
      breakGlass: true,
      reason: 'r'.repeat(5_000),
      approverUsers: Array.from({ length: 40 }, (_, i) => `U${String(i).padStart(10, '0')}`),
    });
    expectWithinSlackLimits(card(request));
  });

  it('does not show a break-glass reason on an ordinary card', () => {
    const facts = factsOf(card(requestIn('approved', { reason: 'left over' })));
    expect(facts).not.toContain('Break-glass');
    expect(facts).not.toContain('For review by');
  });
});

describe('renderApprovalCard for a denial', () => {
  it('shows the reason given, escaped', () => {
    const request = requestIn('denied', { reason: 'not during the <!here> sale & freeze' });
    expect(factsOf(card(request)).split('\n')).toContain(
      '*Reason:* `not during the &lt;!here&gt; sale &amp; freeze`',
    );
  });

  it('shows no reason line when none was given', () => {
    expect(factsOf(card(requestIn('denied')))).not.toContain('*Reason:*');
  });

  it('keeps a denied card within Slack limits however long the reason is', () => {
    expectWithinSlackLimits(card(requestIn('denied', { reason: '<'.repeat(5_000) })));
  });
});

describe('renderApprovalCard context line', () => {
  function contextOf(request: ResetRequest): string {
    const context = card(request).blocks.find((block) => block.block_id === 'request');
    return (context?.elements as TextObject[] | undefined)?.[0]?.text ?? '';
  }

  it.each(ALL_STATES)('names the policy rule on a %s card when it is not the default', (state) => {
    expect(contextOf(requestIn(state, { ruleName: 'web-prod*, web-eu' }))).toBe(
      'Request `rm5x1abcd0000` · policy rule `web-prod*, web-eu`',
    );
  });

  it.each(ALL_STATES)('names only the request on a %s card under the default rule', (state) => {
    expect(contextOf(requestIn(state))).toBe('Request `rm5x1abcd0000`');
  });
});

describe('headline', () => {
  it.each([
    ['pending', ':hourglass_flowing_sand: Cache reset of `web-prod` is waiting for approval'],
    ['approved', ':white_check_mark: Cache reset of `web-prod` approved by <@UAPP1>, starting'],
    ['running', ':arrows_counterclockwise: Resetting the cache of `web-prod`: InProgress'],
    ['succeeded', ':large_green_circle: Cache reset of `web-prod` succeeded in 2m 5s'],
    ['failed', ':red_circle: Cache reset of `web-prod` failed in 2m 5s'],
    ['denied', ':no_entry: Cache reset of `web-prod` denied by <@UAPP1>'],
    ['expired', ':alarm_clock: Cache reset of `web-prod` expired: nobody decided in time'],
    ['cancelled', ':heavy_multiplication_x: Cache reset of `web-prod` cancelled by <@UREQ1>'],
  ] as const)('says where a %s request stands', (state, line) => {
    expect(headline(requestIn(state))).toBe(line);
  });

  it('falls back to Started while Lightsail has reported no status', () => {
    expect(headline(requestIn('running', { operationStatus: undefined }))).toMatch(/: Started$/);
  });

  it('credits the requester when a cancellation has no decider', () => {
    expect(headline(requestIn('cancelled', { decidedBy: undefined }))).toContain('cancelled by <@UREQ1>');
  });

  it('leaves the duration out until both times are known', () => {
    expect(headline(requestIn('failed', { startedAt: undefined }))).toBe(
      ':red_circle: Cache reset of `web-prod` failed',
    );
  });
});

describe('plainText', () => {
  it.each([
    [':hourglass_flowing_sand: Cache reset of `web-prod` is waiting', 'Cache reset of web-prod is waiting'],
    [':white_check_mark: approved by <@UAPP1>', 'approved by <@UAPP1>'],
    ['no codes here', 'no codes here'],
    ['ratio 1:2 at 10:30', 'ratio 1:2 at 10:30'],
  ])('turns %j into %j', (mrkdwn, text) => {
    expect(plainText(mrkdwn)).toBe(text);
  });
});

function expectWithinSlackLimits(content: SlackMessageContent): void {
  expect(content.blocks.length).toBeLessThanOrEqual(50);
  for (const block of content.blocks) {
    expect(block.block_id?.length ?? 0).toBeLessThanOrEqual(255);
    if (block.type === 'section') expect(sectionText(block).length).toBeLessThanOrEqual(3000);
    if (block.type === 'context') {
      const elements = block.elements as TextObject[];
      expect(elements.length).toBeLessThanOrEqual(10);
      for (const element of elements) expect(element.text.length).toBeLessThanOrEqual(3000);
    }
  }
  for (const button of buttonsOf(content)) {
    expect(button.text.text.length).toBeLessThanOrEqual(75);
    expect(button.value.length).toBeLessThanOrEqual(2000);
    expect(button.action_id.length).toBeLessThanOrEqual(255);
    if (button.confirm) {
      expect(button.confirm.title.text.length).toBeLessThanOrEqual(100);
      expect(button.confirm.text.text.length).toBeLessThanOrEqual(300);
      expect(button.confirm.confirm.text.length).toBeLessThanOrEqual(30);
      expect(button.confirm.deny.text.length).toBeLessThanOrEqual(30);
    }
  }
}

describe('renderApprovalCard facts about the distribution', () => {
  it('shows every domain, the origin, the status and when the cache was last reset', () => {
    const request = aRequest({
      domainName: 'd1.cloudfront.net',
      alternativeDomains: ['www.example.com', 'static.example.com'],
      originName: 'web-origin-1',
      distributionStatus: 'Deployed',
      lastResetAt: Date.UTC(2026, 10, 20, 9, 30),
    });
    const content = renderApprovalCard(request);
    const facts = JSON.stringify(content.blocks);
    expect(facts).toContain('*Domains:* d1.cloudfront.net, www.example.com, static.example.com');
    expect(facts).toContain('*Origin:* web-origin-1');
    expect(facts).toContain('`web-prod` (Deployed)');
    expect(facts).toMatch(/\*Last cache reset:\* <!date\^\d+\^/);
    expect(facts).toContain('Last reset: 2026-11-20 09:30 UTC.');
    expect(content.metadata).toEqual({
      event_type: 'lightsail_reset_request',
      event_payload: {
        request_id: request.id,
        distribution: 'web-prod',
        state: 'pending',
        requester: 'U0REQUEST',
        break_glass: false,
      },
    });
  });
});
