import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  type RedisServerHandle,
  RedisServerMissingError,
  startRedisServer,
} from '../../../src/local/redis-server.js';

function rawCommand(port: number, ...args: string[]): Promise<string> {
  const frame = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(frame));
    socket.once('data', (chunk: Buffer) => {
      socket.end();
      resolve(chunk.toString('utf8'));
    });
    socket.once('error', reject);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A killed orphan lingers as a zombie until init reaps it; that is not alive.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const handles: RedisServerHandle[] = [];

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
});

describe('startRedisServer', () => {
  it('starts a redis-server on a free port that answers PING', async () => {
    const redis = await startRedisServer();
    handles.push(redis);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(redis.pid).toBeTypeOf('number');
    expect(await rawCommand(redis.port, 'PING')).toBe('+PONG\r\n');
    expect(await rawCommand(redis.port, 'CONFIG', 'GET', 'maxmemory-policy')).toContain('noeviction');
  });

  it('keeps data across a restart with appendOnly', async () => {
    const redis = await startRedisServer({ appendOnly: true });
    handles.push(redis);
    const firstPid = redis.pid;
    expect(await rawCommand(redis.port, 'SET', 'request:R1', 'approved')).toBe('+OK\r\n');
    await redis.restart();
    expect(redis.pid).not.toBe(firstPid);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      expect(await client.get('request:R1')).toBe('approved');
    } finally {
      client.disconnect();
    }
  });

  it('kills the server with SIGKILL and comes back on the same port', async () => {
    const redis = await startRedisServer({ port: await freePort() });
    handles.push(redis);
    const pid = redis.pid ?? 0;
    await redis.kill('SIGKILL');
    expect(isAlive(pid)).toBe(false);
    await expect(rawCommand(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
    await redis.restart();
    expect(await rawCommand(redis.port, 'PING')).toBe('+PONG\r\n');
  });

  it('removes the temp dir it made on stop, but not a dir passed in', async () => {
    const own = await startRedisServer();
    await own.stop();
    expect(existsSync(own.dir)).toBe(false);
    expect(own.pid).toBeUndefined();

    const given = mkdtempSync(join(tmpdir(), 'redis-given-'));
    const redis = await startRedisServer({ dir: given, appendOnly: true });
    await redis.stop();
    expect(existsSync(given)).toBe(true);
    rmSync(given, { recursive: true, force: true });
  });

  it('fails with the server output when redis-server refuses its arguments', async () => {
    await expect(startRedisServer({ extraArgs: ['--no-such-option', 'x'] })).rejects.toThrow(
      /exited during start-up[\s\S]*no-such-option/i,
    );
  });

  it('reports a taken port with the server output', async () => {
    const blocker = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startRedisServer({ port })).rejects.toThrow(/address already in use/i);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('explains how to install redis-server when it is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await startRedisServer().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RedisServerMissingError);
      expect((err as Error).message).toMatch(/apt-get install -y redis-server.*REDIS_URL/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('does not outlive a node process that exits without stopping it', async () => {
    const script = [
      `import { startRedisServer } from ${JSON.stringify(new URL('../../../src/local/redis-server.ts', import.meta.url).pathname)};`,
      'const redis = await startRedisServer();',
      'console.log(JSON.stringify({ pid: redis.pid, dir: redis.dir }));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        timeout: 20_000,
      },
    );
    const { pid, dir } = JSON.parse(stdout.trim()) as { pid: number; dir: string };
    const deadline = Date.now() + 5000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
