import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; ' +
        'macOS: brew install redis) or set REDIS_URL to a Redis you own.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export interface RedisServerHandle {
  url: string;
  port: number;
  dir: string;
  pid: number | undefined;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 16_384;

const running = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of ownedDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort while the process is going away
      }
    }
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

class RedisProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async launch(): Promise<void> {
    this.output = '';
    const child = spawn('redis-server', this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const capture = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    const failed = new Promise<Error>((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        resolve(err.code === 'ENOENT' ? new RedisServerMissingError() : err);
      });
      child.once('close', (code, signal) => {
        resolve(
          new Error(`redis-server exited during start-up (${signal ?? `code ${code}`}):\n${this.output}`),
        );
      });
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.once('error', () => running.delete(child));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let failure: Error | undefined;
    void failed.then((err) => {
      failure = err;
    });
    while (!failure) {
      if (await ping(this.port)) break;
      if (failure) break;
      if (Date.now() > deadline) {
        await this.signal('SIGKILL');
        throw new Error(
          `redis-server on port ${this.port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${this.output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (failure) throw failure;
    // Let a script that forgot stop() end normally; the exit hook then kills the server.
    child.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.ref();
    const exited = waitForExit(child);
    child.kill(signal);
    await exited;
  }

  portInUse(): boolean {
    return /address already in use/i.test(this.output);
  }
}

export async function startRedisServer(
  opts: { port?: number; appendOnly?: boolean; dir?: string; extraArgs?: string[] } = {},
): Promise<RedisServerHandle> {
  installExitHook();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'lightsail-reset-redis-')));
  if (ownDir) ownedDirs.add(dir);

  const argsFor = (port: number): string[] => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    opts.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    ...(opts.extraArgs ?? []),
  ];

  const launchOnFreePort = async (): Promise<RedisProcess> => {
    // A port picked by freePort() can be taken before redis binds it, so retry with another.
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? (await freePort());
      const candidate = new RedisProcess(port, dir, argsFor(port));
      try {
        await candidate.launch();
        return candidate;
      } catch (err) {
        if (opts.port !== undefined || attempt >= 3 || !candidate.portInUse()) throw err;
      }
    }
  };

  let current: RedisProcess;
  try {
    current = await launchOnFreePort();
  } catch (err) {
    if (ownDir) {
      ownedDirs.delete(dir);
      await rm(dir, { recursive: true, force: true });
    }
    throw err;
  }
  let stopped = false;
  const handle: RedisServerHandle = {
    url: `redis://127.0.0.1:${current.port}`,
    port: current.port,
    dir,
    get pid() {
      return stopped ? undefined : current.pid;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await current.signal('SIGTERM');
      if (ownDir) {
        await rm(dir, { recursive: true, force: true });
        ownedDirs.delete(dir);
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await current.signal(signal);
    },
    async restart() {
      if (stopped) throw new Error('redis-server handle was stopped; start a new one');
      await current.signal('SIGTERM');
      current = new RedisProcess(current.port, dir, argsFor(current.port));
      await current.launch();
    },
  };
  return handle;
}
