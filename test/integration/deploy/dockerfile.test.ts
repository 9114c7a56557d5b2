import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IMAGE_MEMORY_ENV } from '../../../bench/lib/processes.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const SCRIPT = 'scripts/check-image-build.sh';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before the first FROM`);
    stage.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** The JSON array of an exec-form instruction, or undefined for the shell form. */
function execForm(args: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A bash array assignment of the script: NAME=(a b c) or NAME=( "x y" ... ) over several lines. */
function bashArray(script: string, name: string): string[] {
  const body = new RegExp(`^${name}=\\(([^)]*)\\)`, 'm').exec(script)?.[1];
  if (body === undefined) throw new Error(`${SCRIPT} has no ${name}=(...)`);
  return [...body.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const stages = parseDockerfile(readFileSync(root('Dockerfile'), 'utf8'));
const script = readFileSync(root(SCRIPT), 'utf8');
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1);
const of = (stage: Stage | undefined, keyword: string) =>
  (stage?.instructions ?? []).filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('builds in a stage of its own, on the current Node LTS (24)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    expect(runtime).not.toBe(build);
    for (const stage of stages) expect(stage.image).toMatch(/^node:24([.-]|$)/);
  });

  it('ships only the compiled code and the pruned production dependencies, without dist/local', () => {
    const copies = of(runtime, 'COPY').map((i) => i.args);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy).toMatch(/^--from=build\s/);
    const sources = copies.map((c) => c.split(/\s+/).at(-2));
    expect(sources.sort()).toEqual(['/app/dist', '/app/node_modules', '/app/package.json']);
    // Dependencies come from the build stage, pruned there; the runtime installs none of its own.
    expect(
      of(runtime, 'RUN')
        .map((i) => i.args)
        .join('\n'),
    ).not.toMatch(/\bnpm\b/);
    const buildRuns = of(build, 'RUN').map((i) => i.args);
    expect(buildRuns).toContain('rm -rf dist/local');
    expect(buildRuns.at(-1)).toBe('npm prune --omit=dev');
    expect(of(runtime, 'ENV').map((i) => i.args)).toContain('NODE_ENV=production');
  });

  it('runs as a non-root user, with a HEALTHCHECK, and tini passing signals to node (exec form)', () => {
    const user = of(runtime, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user?.split(':')[0]).not.toMatch(/^(root|0)$/);
    const healthcheck = of(runtime, 'HEALTHCHECK').at(-1)?.args ?? '';
    const healthCommand = execForm(/\bCMD\s+(.*)$/.exec(healthcheck)?.[1] ?? '');
    expect(healthCommand?.[0]).toBe('node');
    expect(healthCommand?.join(' ')).toContain('/healthz');
    const entrypoint = execForm(of(runtime, 'ENTRYPOINT').at(-1)?.args ?? '');
    expect(entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(
      of(runtime, 'RUN')
        .map((i) => i.args)
        .join('\n'),
    ).toMatch(/apt-get install .*\btini\b/);
    const cmd = execForm(of(runtime, 'CMD').at(-1)?.args ?? '');
    expect(cmd).toEqual(['node', 'dist/main.js']);
    const stopSignal = of(runtime, 'STOPSIGNAL').at(-1)?.args;
    if (stopSignal !== undefined) expect(stopSignal).toBe('SIGTERM');
  });

  it('and scripts/check-image-build.sh copy the same sources and run the same build commands', () => {
    const sources = of(build, 'COPY')
      .filter((i) => !i.args.startsWith('--from'))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      );
    expect(bashArray(script, 'BUILD_SOURCES')).toEqual(sources);
    const commands = of(build, 'RUN').flatMap((i) => i.args.split('&&').map((c) => c.trim()));
    expect(bashArray(script, 'BUILD_COMMANDS')).toEqual(commands);
    expect(bashArray(script, 'START_COMMAND')).toEqual(execForm(of(runtime, 'CMD').at(-1)?.args ?? ''));
    expect(bashArray(script, 'START_ENV')).toEqual(of(runtime, 'ENV').map((i) => i.args));
  });

  it('runs with the memory settings the benchmarks give every process (bench/lib/processes.ts)', () => {
    const memoryEnv = of(runtime, 'ENV')
      .map((i) => i.args)
      .filter((e) => !e.startsWith('NODE_ENV='));
    expect(Object.entries(IMAGE_MEMORY_ENV).map(([name, value]) => `${name}=${value}`)).toEqual(memoryEnv);
  });

  it('has a build context of exactly the sources the build stage copies (.dockerignore allow-list)', () => {
    const patterns = readFileSync(root('.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(patterns[0]).toBe('*');
    expect(patterns.slice(1).sort()).toEqual(
      bashArray(script, 'BUILD_SOURCES')
        .map((s) => `!${s}`)
        .sort(),
    );
  });
});

describe('scripts/check-image-build.sh', () => {
  it('builds like the image in a temporary copy: no dev packages, no dist/local, the start command reaches the config check', async () => {
    const child = spawn('bash', [root(SCRIPT)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // Stop it before the test's own timeout, so that no npm keeps running after a failure.
    const timer = setTimeout(() => child.kill('SIGTERM'), 170_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).toContain('ok: dist/main.js present, dist/local absent');
    expect(output).toMatch(/ok: none of the \d+ dev-only packages is in node_modules/);
    expect(output).toMatch(/^lightsail-reset: .*SLACK_BOT_TOKEN/m);
    expect(output).toContain('check-image-build: all checks passed');
  }, 180_000);
});
