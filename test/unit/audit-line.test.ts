import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditFact, auditLine } from '../../src/domain/audit-line.js';

const FACT: AuditFact = {
  event: 'approved',
  actor: 'UAPP1',
  distribution: 'web-prod',
  requestId: 'rm5x1abcd0000',
};

const ANNOUNCED = [
  'requested',
  'break-glass',
  'approval',
  'approved',
  'denied',
  'cancelled',
  'expired',
  'succeeded',
  'failed',
  'timed-out',
  'abandoned',
];
const NOT_ANNOUNCED = ['started', 'reminded', 'card-not-posted'];

describe('auditLine', () => {
  it.each(ANNOUNCED)('announces %s with the distribution, the event and the request', (event) => {
    const line = auditLine({ ...FACT, event });
    expect(line).toContain(`\`web-prod\` ${event} by <@UAPP1>`);
    expect(line).toMatch(/\(request `rm5x1abcd0000`\)$/);
  });

  it.each(NOT_ANNOUNCED)('stays quiet about %s', (event) => {
    expect(auditLine({ ...FACT, event })).toBeUndefined();
  });

  it('stays quiet about an event it does not know', () => {
    expect(auditLine({ ...FACT, event: 'status:InProgress' })).toBeUndefined();
  });

  it('flags a break-glass reset for review', () => {
    const line = auditLine({
      ...FACT,
      event: 'break-glass',
      actor: 'UGLASS',
      detail: 'needs review: hotfix',
    });
    expect(line).toBe(
      ':rotating_light: *BREAK-GLASS, needs review* `web-prod` break-glass by <@UGLASS>: `needs review: hotfix` (request `rm5x1abcd0000`)',
    );
  });

  it.each(ANNOUNCED.filter((event) => event !== 'break-glass'))('does not flag %s for review', (event) => {
    expect(auditLine({ ...FACT, event })).not.toMatch(/BREAK-GLASS|rotating_light/);
  });

  it.each([
    ['a user', 'UAPP1', 'by <@UAPP1>'],
    ['an enterprise user', 'W0ENT1', 'by <@W0ENT1>'],
    ['the bot', 'bot', 'by bot'],
    ['the worker', 'worker', 'by worker'],
  ])('names %s as the actor', (_who, actor, text) => {
    expect(auditLine({ ...FACT, actor })).toContain(text);
  });

  it('adds the detail after a colon', () => {
    expect(auditLine({ ...FACT, event: 'denied', detail: 'not during the sale' })).toBe(
      '`web-prod` denied by <@UAPP1>: `not during the sale` (request `rm5x1abcd0000`)',
    );
  });

  it('leaves the colon out without a detail', () => {
    expect(auditLine(FACT)).toBe('`web-prod` approved by <@UAPP1> (request `rm5x1abcd0000`)');
  });

  it.each(['<!channel>', '<!here>', '<@U123>', '<#C999>', '<https://evil|click>'])(
    'escapes %s in the detail',
    (markup) => {
      const line = auditLine({ ...FACT, event: 'denied', detail: `x ${markup} y` });
      expect(line).not.toContain(markup);
      expect(line).toContain(markup.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    },
  );

  it('keeps a long detail short', () => {
    const line = auditLine({ ...FACT, event: 'failed', detail: 'x'.repeat(5_000) }) ?? '';
    expect(line).toContain(`${'x'.repeat(299)}…`);
    expect(line.length).toBeLessThan(400);
  });

  it('lets no markup through from the detail, distribution or request id, whatever they are', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ANNOUNCED),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        (event, detail, distribution, requestId) => {
          const line = auditLine({ event, actor: 'UAPP1', distribution, requestId, detail }) ?? '';
          expect(line.replace('<@UAPP1>', '')).not.toMatch(/[<>]/);
        },
      ),
    );
  });
});
