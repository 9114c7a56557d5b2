import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { threadMessages } from '../../src/domain/thread-messages.js';
import { aRequest } from '../support/requests.js';

const REQUESTER_MENTION = '<@UREQ1>';
const CREATED_AT = 1_736_933_400_000;

const request = aRequest({
  id: 'rm5x1abcd0000',
  state: 'running',
  distributionName: 'web-prod',
  requesterId: 'UREQ1',
  channelId: 'COPS1',
  createdAt: CREATED_AT,
  expiresAt: CREATED_AT + 30 * 60_000,
  decidedBy: 'UAPP1',
  operationId: 'op-7f3a',
  approverUsers: ['UAPP1', 'UAPP2'],
  approverGroups: ['SOPS1'],
});

describe('threadMessages', () => {
  it.each([
    ['succeeded', threadMessages.succeeded(request, 125_000), '2m 5s'],
    ['operationFailed', threadMessages.operationFailed(request, 'E1', 'broken', 65_000), '1m 5s'],
    ['gaveUpWaiting', threadMessages.gaveUpWaiting(request, 'InProgress', 3_600_000), '1h'],
    ['expired', threadMessages.expired(request), '30m'],
    ['statusChanged', threadMessages.statusChanged('InProgress', 45_000), '45s'],
  ])('%s says how long it took', (_name, message, duration) => {
    expect(message).toContain(duration);
  });

  it.each([
    ['succeeded', threadMessages.succeeded(request, 1_000)],
    ['operationFailed', threadMessages.operationFailed(request, 'E1', 'broken', 1_000)],
    ['couldNotStart', threadMessages.couldNotStart(request, 'Lightsail says it does not exist')],
    ['expired', threadMessages.expired(request)],
    ['denied', threadMessages.denied(request)],
  ])('%s notifies the requester and names the distribution', (_name, message) => {
    expect(message.startsWith(REQUESTER_MENTION)).toBe(true);
    expect(message).toContain('`web-prod`');
  });

  it('notifies the requester when it stops waiting, naming the operation', () => {
    const message = threadMessages.gaveUpWaiting(request, 'InProgress', 1_000);
    expect(message.startsWith(REQUESTER_MENTION)).toBe(true);
    expect(message).toContain('`op-7f3a`');
  });

  it.each([
    ['succeeded', threadMessages.succeeded(request, 1_000), /\*Succeeded\*/],
    ['operationFailed', threadMessages.operationFailed(request, 'E1', 'broken', 1_000), /\*Failed\*/],
    [
      'couldNotStart',
      threadMessages.couldNotStart(request, 'no such distribution'),
      /\*Failed\* before it started/,
    ],
    ['gaveUpWaiting', threadMessages.gaveUpWaiting(request, 'InProgress', 1_000), /Marked as failed/],
    ['expired', threadMessages.expired(request), /expired\. Nothing was reset/],
    ['denied', threadMessages.denied(request), /denied .* Nothing was reset/],
    ['cancelled', threadMessages.cancelled(request), /cancelled this request\. Nothing was reset/],
  ])('%s states the outcome', (_name, message, outcome) => {
    expect(message).toMatch(outcome);
  });

  it('names who denied the request', () => {
    expect(threadMessages.denied(request)).toContain('<@UAPP1> denied');
  });

  it('names the requester as the one who cancelled', () => {
    expect(threadMessages.cancelled(request)).toContain(`${REQUESTER_MENTION} cancelled`);
  });

  it('reports the operation and its status when the reset starts', () => {
    expect(threadMessages.started('op-7f3a', 'Started')).toContain('`op-7f3a` is Started');
  });

  it.each([
    ['a code and details', 'InternalFailure', 'the edge refused', ': InternalFailure: the edge refused.'],
    ['only a code', 'InternalFailure', undefined, ': InternalFailure.'],
    ['only details', undefined, 'the edge refused', ': the edge refused.'],
    ['nothing', undefined, undefined, ' (Lightsail gave no reason).'],
    ['empty strings', '', '', ' (Lightsail gave no reason).'],
  ])('explains a failure when Lightsail gave %s', (_what, errorCode, errorDetails, ending) => {
    const message = threadMessages.operationFailed(request, errorCode, errorDetails, 1_000);
    expect(message.endsWith(ending)).toBe(true);
    expect(message).not.toContain('undefined');
  });

  it('says the operation id is unknown when the request has none', () => {
    const message = threadMessages.gaveUpWaiting({ ...request, operationId: undefined }, undefined, 1_000);
    expect(message).toContain('operation `?` was still *unknown*');
  });

  const MARKUP = ['<!channel>', '<!here>', '<@U123>', '<https://evil|click>'];

  it.each(MARKUP)('escapes %s coming from Lightsail or a person in every message', (markup) => {
    const escaped = markup.replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const messages = [
      threadMessages.operationFailed(request, markup, `details ${markup}`, 1_000),
      threadMessages.couldNotStart(request, `reason ${markup}`),
      threadMessages.started(markup, markup),
      threadMessages.statusChanged(markup, 1_000),
      threadMessages.gaveUpWaiting({ ...request, operationId: markup }, markup, 1_000),
      threadMessages.denied({ ...request, reason: markup }),
      threadMessages.breakGlassAudit({ ...request, breakGlass: true, reason: markup }),
    ];
    for (const message of messages) {
      expect(message).not.toContain(markup);
      expect(message).toContain(escaped);
    }
  });

  it('lets no angle bracket from Lightsail through, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
        fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }),
        fc.string({ unit: 'grapheme' }),
        (errorCode, errorDetails, status) => {
          const messages = [
            threadMessages.operationFailed(request, errorCode, errorDetails, 1_000),
            threadMessages.couldNotStart(request, status),
            threadMessages.started(status, status),
            threadMessages.statusChanged(status, 1_000),
            threadMessages.gaveUpWaiting(request, status, 1_000),
          ];
          for (const message of messages) expect(message.replace(REQUESTER_MENTION, '')).not.toMatch(/[<>]/);
        },
      ),
    );
  });

  it.each([
    ['15 minutes', 15 * 60_000, '15m'],
    ['an hour and a half', 90 * 60_000, '1h 30m'],
    ['45 seconds', 45_000, '45s'],
  ])('says the request expired after its own TTL of %s', (_ttl, ttlMs, shown) => {
    const message = threadMessages.expired({ ...request, expiresAt: request.createdAt + ttlMs });
    expect(message).toContain(`within ${shown}, so the request expired`);
  });

  it('ends a denial with the reason given, escaped', () => {
    const message = threadMessages.denied({ ...request, reason: 'not during the <!here> sale & freeze' });
    expect(message.endsWith(' Reason: `not during the &lt;!here&gt; sale &amp; freeze`')).toBe(true);
  });

  it('ends a denial without a reason at "Nothing was reset."', () => {
    expect(threadMessages.denied(request).endsWith('Nothing was reset.')).toBe(true);
  });

  it('keeps a long denial reason to 500 characters', () => {
    const message = threadMessages.denied({ ...request, reason: 'r'.repeat(2_000) });
    expect(message).toContain(`Reason: \`${'r'.repeat(499)}…\``);
    expect(message).not.toContain('r'.repeat(500));
  });
});

describe('threadMessages.reminder', () => {
  it('mentions every approver user and group and says when the request expires', () => {
    const message = threadMessages.reminder(request);
    expect(message).toContain('<@UAPP1>, <@UAPP2>, <!subteam^SOPS1>:');
    expect(message).toContain('`web-prod` is still waiting for approval');
    expect(message).toContain(`<!date^${(CREATED_AT + 30 * 60_000) / 1000}^`);
  });

  it('says how many approvals are in when more than one is needed', () => {
    const message = threadMessages.reminder({ ...request, approvalsRequired: 2, approvals: ['UAPP1'] });
    expect(message).toContain('still waiting for approval (1 of 2 approvals so far)');
  });

  it('says nothing about counts when one approval is enough', () => {
    expect(threadMessages.reminder({ ...request, approvalsRequired: 1 })).not.toMatch(/approvals so far/);
  });

  it('does not mention the requester, who is already waiting', () => {
    expect(threadMessages.reminder(request)).not.toContain(REQUESTER_MENTION);
  });

  it('says nobody is configured rather than mentioning no one silently', () => {
    const message = threadMessages.reminder({ ...request, approverUsers: [], approverGroups: [] });
    expect(message).toContain('nobody (no approvers are configured)');
  });
});

describe('threadMessages.breakGlassAudit', () => {
  const glass = { ...request, breakGlass: true, reason: 'checkout broken <!channel> <@U999>' };

  it('names the person, the distribution and the escaped reason, and asks for review', () => {
    expect(threadMessages.breakGlassAudit(glass)).toBe(
      ':rotating_light: Break-glass reset of `web-prod` by <@UREQ1>, without approval. Reason: `checkout broken &lt;!channel&gt; &lt;@U999&gt;`. Please review.',
    );
  });

  it('lets no markup from the reason through, whatever it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (reason) => {
        const message = threadMessages.breakGlassAudit({ ...glass, reason });
        expect(message.replace(REQUESTER_MENTION, '')).not.toMatch(/[<>]/);
      }),
    );
  });
});
