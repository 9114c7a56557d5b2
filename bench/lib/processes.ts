import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../../src/local/app-process.js';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system, all threads) a process has used so far, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Sets the niceness of every thread of a process, as starting it under `nice -n` would. On Linux,
 * setpriority() of a pid reaches only its main thread: V8's helper threads (the collector's among them)
 * and libuv's pool keep the niceness they were created with. The main thread goes first, so that a
 * thread it creates meanwhile inherits the new niceness.
 */
export function renice(pid: number, niceness: number): void {
  setPriority(pid, niceness);
  let threads: string[] = [];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return; // the process has already ended
  }
  for (const tid of threads) {
    try {
      setPriority(Number(tid), niceness);
    } catch {
      // a thread that ended meanwhile
    }
  }
}

/** Resident set size of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kib / 1024;
}

/** The V8 heap of our app (total and used, MiB), from the default metrics on its GET /metrics. */
export async function appHeapMiB(port: number): Promise<{ total: number; used: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]) / 2 ** 20;
  return { total: gauge('nodejs_heap_size_total_bytes'), used: gauge('nodejs_heap_size_used_bytes') };
}

/** Waits until a process stops using CPU (less than `quietMs` of CPU per `everyMs`), at most `timeoutMs`. */
export async function waitForCpuQuiet(pid: number, quietMs = 15, everyMs = 500, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = cpuMs(pid);
  while (Date.now() < deadline) {
    await sleep(everyMs);
    const now = cpuMs(pid);
    if (now - last < quietMs) return;
    last = now;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns something truthy; throws with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * The memory settings the Docker image gives the bot (Dockerfile, runtime stage: glibc's
 * MALLOC_ARENA_MAX and V8's young-generation cap in NODE_OPTIONS), given to every process a benchmark
 * starts, the app and its baselines alike, so that all are measured with the memory behaviour the bot
 * ships with. (On Node 20 the cap is V8's default already.)
 */
export const IMAGE_MEMORY_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  NODE_OPTIONS: '--max-semi-space-size=16',
};

/**
 * A TypeScript script of the bench (a baseline, the load generator) as a child process run by tsx.
 * It prints a line `ready` once it is serving; its other output is kept for error messages.
 */
export class ScriptProcess {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    private readonly script: URL,
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    return pid;
  }

  private get name(): string {
    return fileURLToPath(this.script).replace(/^.*\/bench\//, 'bench/');
  }

  /** Starts the script; resolves once it printed `ready`. */
  async start(timeoutMs = 20_000): Promise<this> {
    const child = spawnNode(
      ['--import', 'tsx', fileURLToPath(this.script)],
      { ...IMAGE_MEMORY_ENV, ...this.env },
      (text) => {
        this.output += text;
      },
    );
    this.child = child;
    await waitUntil(
      `${this.name} to be ready`,
      () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${this.name} exited while starting:\n${this.output.slice(-3000)}`);
        }
        return /^ready$/m.test(this.output);
      },
      timeoutMs,
      20,
    );
    return this;
  }

  /**
   * Runs the script to its end and returns what it printed on stdout (for one-shot scripts), at
   * `niceness` if given (whatever the caller's own).
   */
  static async run(script: URL, env: Record<string, string>, niceness?: number): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
      env: { PATH: process.env.PATH ?? '', ...IMAGE_MEMORY_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (niceness !== undefined && child.pid) renice(child.pid, niceness);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`${fileURLToPath(script)} exited with ${code}:\n${stderr.slice(-3000)}`);
    return stdout;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exit = once(child, 'exit');
    child.kill(signal);
    await exit;
  }
}
