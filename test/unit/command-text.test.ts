import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND, MAX_REASON_LENGTH, parseCommandText, usageText } from '../../src/domain/command-text.js';
import { checkDistributionName } from '../../src/domain/distribution-name.js';

describe('parseCommandText', () => {
  it.each(['help', 'HELP', 'Help', 'hElP', '  help  ', '\thelp\n'])(
    'reads %j as a request for help',
    (text) => {
      expect(parseCommandText(text)).toEqual({ kind: 'help' });
    },
  );

  it.each(['status', 'STATUS', ' Status\n'])('reads %j as a request for the status', (text) => {
    expect(parseCommandText(text)).toEqual({ kind: 'status' });
  });

  it.each([
    ['web-prod --now origin broken', 'web-prod', 'origin broken'],
    ['  web-prod   --now   origin broken  ', 'web-prod', 'origin broken'],
    ['web-prod\t--now\tbad deploy', 'web-prod', 'bad deploy'],
    ['web-prod --now two\nlines', 'web-prod', 'two\nlines'],
    ['web-prod --now --now', 'web-prod', '--now'],
    ['web-prod --now <!channel> please', 'web-prod', '<!channel> please'],
    ['status --now stuck', 'status', 'stuck'],
    ['help --now x', 'help', 'x'],
  ])('reads %j as a break-glass reset of %j because %j', (text, distributionName, reason) => {
    expect(parseCommandText(text)).toEqual({ kind: 'break-glass', distributionName, reason });
  });

  it('accepts a break-glass reason of exactly the longest length', () => {
    const reason = 'r'.repeat(MAX_REASON_LENGTH);
    expect(parseCommandText(`web-prod --now ${reason}`)).toEqual({
      kind: 'break-glass',
      distributionName: 'web-prod',
      reason,
    });
  });

  it.each(['', '   ', '\t\n'])('reads %j (nothing) as a wish to pick from the list', (text) => {
    expect(parseCommandText(text)).toEqual({ kind: 'pick' });
  });

  it.each([
    ['web-prod', 'web-prod'],
    ['  web-prod  ', 'web-prod'],
    ['\tweb_prod\n', 'web_prod'],
    ['helpdesk', 'helpdesk'],
    ['help-site', 'help-site'],
  ])('reads %j as a reset of %j', (text, distributionName) => {
    expect(parseCommandText(text)).toEqual({ kind: 'reset', distributionName });
  });

  it.each([
    ['web prod', /without spaces/],
    ['help me', /without spaces/],
    ['web-prod please', /without spaces/],
    ['-web', /start and end/],
    ['<!channel>', /letters, digits/],
    ['web-prod --now', /needs a reason after `--now`/],
    ['web-prod --now   ', /needs a reason after `--now`/],
    ['web-prod --now \n\t', /needs a reason after `--now`/],
    ['-web --now hotfix', /start and end/],
    ['<!channel> --now hotfix', /letters, digits/],
    ['web.prod --now hotfix', /letters, digits/],
    [`${'a'.repeat(256)} --now hotfix`, /at most 255/],
    ['--now hotfix', /without spaces/],
    ['web-prod --nowadays hotfix', /without spaces/],
    ['web-prod --NOW hotfix', /without spaces/],
    ['web prod --now hotfix', /without spaces/],
    [`web-prod --now ${'r'.repeat(MAX_REASON_LENGTH + 1)}`, /under 500 characters/],
  ])('refuses %j with a problem to show the user', (text, hint) => {
    const parsed = parseCommandText(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.problem).toMatch(hint);
  });

  const anyText = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
  const namePart = fc.oneof(
    fc.stringMatching(/^\w[\w-]{0,20}\w$/),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
  );
  const space = fc.constantFrom(' ', '  ', '\t', '\n', ' \t ');
  const breakGlassLike = fc
    .tuple(
      namePart,
      space,
      space,
      fc.oneof(anyText, fc.string({ unit: 'grapheme', minLength: 490, maxLength: 520 })),
    )
    .map(([name, before, after, reason]) => `${name}${before}--now${after}${reason}`);

  it('never throws on arbitrary text, and every reset names a valid distribution', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, breakGlassLike), (text) => {
        const parsed = parseCommandText(text);
        expect(['help', 'pick', 'status', 'reset', 'break-glass', 'invalid']).toContain(parsed.kind);
        if (parsed.kind === 'pick') expect(text.trim()).toBe('');
        if (parsed.kind === 'reset' || parsed.kind === 'break-glass') {
          expect(checkDistributionName(parsed.distributionName)).toEqual({
            ok: true,
            name: parsed.distributionName,
          });
        }
        if (parsed.kind === 'invalid') expect(parsed.problem.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives every break-glass result a valid name and a trimmed, non-empty reason within the limit', () => {
    let breakGlassResults = 0;
    fc.assert(
      fc.property(breakGlassLike, (text) => {
        const parsed = parseCommandText(text);
        if (parsed.kind !== 'break-glass') return;
        breakGlassResults += 1;
        expect(checkDistributionName(parsed.distributionName)).toEqual({
          ok: true,
          name: parsed.distributionName,
        });
        expect(parsed.reason.length).toBeGreaterThan(0);
        expect(parsed.reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
        expect(parsed.reason).toBe(parsed.reason.trim());
      }),
      { numRuns: 1000 },
    );
    expect(breakGlassResults).toBeGreaterThan(100);
  });

  it('reads a valid name, --now and a short reason as break-glass every time', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\w[\w-]{0,40}\w$/),
        fc.stringMatching(/^\S[^\n]{0,80}\S$/),
        (name, reason) => {
          expect(parseCommandText(`${name} --now ${reason}`)).toEqual({
            kind: 'break-glass',
            distributionName: name,
            reason,
          });
        },
      ),
    );
  });
});

describe('usageText', () => {
  it('shows the command with a distribution name and the help form', () => {
    const usage = usageText();
    expect(usage).toContain(`${COMMAND} <distribution-name>`);
    expect(usage).toContain(`${COMMAND} help`);
    expect(COMMAND).toBe('/lightsail-reset');
  });

  it('shows the status and break-glass forms', () => {
    const usage = usageText();
    expect(usage).toContain(`${COMMAND} status`);
    expect(usage).toContain(`${COMMAND} <distribution-name> --now <reason>`);
  });

  it('says that someone other than the requester approves', () => {
    expect(usageText()).toMatch(/never the person who asked/);
  });
});
