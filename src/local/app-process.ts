import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

// Two levels below the project root both as src/local (tests) and as dist/local (demo): always the build.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Runs this Node with `args` in an environment of only PATH and `env` (nothing of the caller's leaks
 * in), passing everything it prints, stdout and stderr alike, to `onOutput`.
 */
export function spawnNode(
  args: string[],
  env: Record<string, string>,
  onOutput: (text: string) => void,
): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  return child;
}

/** Runs this Node with `args` to its end (killed after `timeoutMs`): its exit code and everything it printed. */
export async function runNodeToExit(args: string[], env: Record<string, string>, timeoutMs = 20_000) {
  let output = '';
  const child = spawnNode(args, env, (text) => {
    output += text;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

/** The built app (dist/main.js) as a child process, with its output kept for inspection. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exitCode: number | null | undefined;
  output = '';
  /** The HTTP port it serves /slack/events (web) or the health routes (worker) on. */
  port = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly args: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Starts the app and waits until GET /healthz answers (or the process dies, with its output). */
  async start(port: number, timeoutMs = 20_000): Promise<void> {
    this.exitCode = undefined;
    this.port = port;
    const child = spawnNode([MAIN, ...this.args], this.env, (text) => {
      this.output += text;
    });
    this.child = child;
    child.on('exit', (code) => {
      this.exitCode = code;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) {
        throw new Error(
          `the app exited with code ${this.exitCode} while starting:\n${this.output.slice(-4000)}`,
        );
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the app did not answer /healthz within ${timeoutMs} ms:\n${this.output.slice(-4000)}`);
  }

  /** Sends a signal and waits for the process to exit; resolves its exit code (null when killed). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || this.exitCode !== undefined) return this.exitCode ?? null;
    const exit = once(child, 'exit');
    child.kill(signal);
    const [code] = (await exit) as [number | null];
    return code;
  }

  /** Runs to completion (for start-up failures): resolves the exit code. */
  static async runToExit(env: Record<string, string>, args: string[] = [], timeoutMs = 20_000) {
    return runNodeToExit([MAIN, ...args], env, timeoutMs);
  }
}
