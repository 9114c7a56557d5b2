import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResetRequest } from '../../src/domain/reset-request.js';
import { threadMessages } from '../../src/domain/thread-messages.js';

const REQUESTER_MENTION = '<@UREQ1>';

const request: ResetRequest = {
  id: 'rm5x1abcd0000',
  state: 'running',
  distributionName: 'web-prod',
  requesterId: 'UREQ1',
  channelId: 'COPS1',
  createdAt: 1_736_933_400_000,
  expiresAt: 1_736_935_200_000,
  decidedBy: 'UAPP1',
  operationId: 'op-7f3a',
};

describe('threadMessages', () => {
  it.each([
    ['succeeded', threadMessages.succeeded(request, 125_000), '2m 5s'],
    ['operationFailed', threadMessages.operationFailed(request, 'E1', 'broken', 65_000), '1m 5s'],
    ['gaveUpWaiting', threadMessages.gaveUpWaiting(request, 'InProgress', 3_600_000), '1h'],
    ['expired', threadMessages.expired(request, 1_800_000), '30m'],
    ['statusChanged', threadMessages.statusChanged('InProgress', 45_000), '45s'],
  ])('%s says how long it took', (_name, message, duration) => {
    expect(message).toContain(duration);
  });

  it.each([
    ['succeeded', threadMessages.succeeded(request, 1_000)],
    ['operationFailed', threadMessages.operationFailed(request, 'E1', 'broken', 1_000)],
    ['couldNotStart', threadMessages.couldNotStart(request, 'Lightsail says it does not exist')],
    ['expired', threadMessages.expired(request, 1_800_000)],
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
    ['expired', threadMessages.expired(request, 1_800_000), /expired\. Nothing was reset/],
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

  it.each(MARKUP)('escapes %s coming from Lightsail in every message', (markup) => {
    const escaped = markup.replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const messages = [
      threadMessages.operationFailed(request, markup, `details ${markup}`, 1_000),
      threadMessages.couldNotStart(request, `reason ${markup}`),
      threadMessages.started(markup, markup),
      threadMessages.statusChanged(markup, 1_000),
      threadMessages.gaveUpWaiting({ ...request, operationId: markup }, markup, 1_000),
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
});
