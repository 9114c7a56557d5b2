import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND, parseCommandText, usageText } from '../../src/domain/command-text.js';
import { checkDistributionName } from '../../src/domain/distribution-name.js';

describe('parseCommandText', () => {
  it.each(['help', 'HELP', 'Help', 'hElP', '  help  ', '\thelp\n'])(
    'reads %j as a request for help',
    (text) => {
      expect(parseCommandText(text)).toEqual({ kind: 'help' });
    },
  );

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
    ['', /which distribution/],
    ['   ', /which distribution/],
    ['web prod', /without spaces/],
    ['help me', /without spaces/],
    ['web-prod please', /without spaces/],
    ['-web', /start and end/],
    ['<!channel>', /letters, digits/],
  ])('refuses %j with a problem to show the user', (text, hint) => {
    const parsed = parseCommandText(text);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.problem).toMatch(hint);
  });

  it('never throws on arbitrary text, and every reset names a valid distribution', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        const parsed = parseCommandText(text);
        expect(['help', 'reset', 'invalid']).toContain(parsed.kind);
        if (parsed.kind === 'reset') {
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
});

describe('usageText', () => {
  it('shows the command with a distribution name and the help form', () => {
    const usage = usageText();
    expect(usage).toContain(`${COMMAND} <distribution-name>`);
    expect(usage).toContain(`${COMMAND} help`);
    expect(COMMAND).toBe('/lightsail-reset');
  });

  it('says that someone other than the requester approves', () => {
    expect(usageText()).toMatch(/never the person who asked/);
  });
});
