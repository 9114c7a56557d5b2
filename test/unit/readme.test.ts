import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ciRun = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
const scripts = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** The rows of the first table in a README section, each as its cells. */
function firstTableOf(heading: string): string[][] {
  const from = readme.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`README.md has no section "${heading}"`);
  const next = readme.indexOf('\n## ', from + heading.length + 2);
  const section = readme.slice(from, next < 0 ? undefined : next);
  const rows = section.split('\n').filter((line) => line.startsWith('|'));
  return rows
    .filter((row) => !/^\|[-\s|]+\|$/.test(row))
    .map((row) =>
      row
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

describe("README.md, a newcomer's first page", () => {
  const commands = firstTableOf('## Try it, test it');
  const commandFor = (what: RegExp) => commands.find(([label]) => what.test(label ?? ''))?.[1];

  it('opens with the table of commands: the demo and the whole test suite, one command each', () => {
    expect(commands[0]).toEqual(['what', 'command']);
    expect(commandFor(/play the whole flow on local stand-ins/)).toBe('`npm run demo`');
    expect(commandFor(/run every test/)).toBe('`npm test`');
  });

  it('gives the test command that .ci/run runs, and every command it names is a script', () => {
    expect(ciRun).toMatch(/^npm test$/m);
    for (const [, command] of commands.slice(1)) {
      const script = /^`npm (?:run )?([a-z:]+)/.exec(command ?? '')?.[1];
      expect(script, `${command} names an npm script`).toBeDefined();
      expect(scripts[script ?? ''], `package.json has the script of ${command}`).toBeDefined();
    }
  });
});
