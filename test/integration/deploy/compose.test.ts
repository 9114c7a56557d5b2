import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const COMPOSE_FILE = fileURLToPath(new URL('../../../compose.yaml', import.meta.url));

interface Service {
  build?: string | { context: string };
  image?: string;
  command?: string | string[];
  env_file?: string | string[] | Array<{ path: string }>;
  environment?: Record<string, string> | string[];
  ports?: Array<string | { target: number; published?: string | number }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test: string | string[]; interval?: string; timeout?: string; retries?: number };
  restart?: string;
  stop_grace_period?: string;
  profiles?: string[];
  cpu_shares?: number;
  volumes?: Array<string | { target: string }>;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const text = readFileSync(COMPOSE_FILE, 'utf8');
// Compose resolves YAML anchors and merge keys (<<) like YAML 1.1; so does this parse.
const compose = parseYaml(text, { merge: true }) as Compose;
const { app, worker, redis } = compose.services as Record<string, Service | undefined>;

const words = (command: string | string[] | undefined): string[] =>
  Array.isArray(command) ? command : (command ?? '').split(/\s+/).filter(Boolean);

function environment(service: Service | undefined): Record<string, string> {
  const env = service?.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((entry) => entry.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

/** Compose durations like 15s, 1m30s, in seconds. */
function seconds(duration: string | undefined): number {
  let total = 0;
  for (const [, n, unit] of (duration ?? '').matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    total += Number(n) * ({ h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[unit as string] ?? 0);
  }
  return total;
}

const BOT_SERVICES = ['app', 'worker'] as const;

describe('compose.yaml', () => {
  it('parses and has the bot, an optional worker and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'redis', 'worker']);
    expect(app).toBeDefined();
    expect(worker).toBeDefined();
    expect(redis).toBeDefined();
  });

  it('runs Redis 7 with AOF fsynced every second, noeviction, a volume for /data and a ping healthcheck', () => {
    expect(redis?.image).toMatch(/^redis:7(\b|$)/);
    const command = words(redis?.command);
    expect(command[0]).toBe('redis-server');
    const option = (name: string) => command[command.indexOf(`--${name}`) + 1];
    expect(option('appendonly')).toBe('yes');
    expect(option('appendfsync')).toBe('everysec');
    expect(option('maxmemory-policy')).toBe('noeviction');
    const dataVolume = (redis?.volumes ?? []).find((v) =>
      typeof v === 'string' ? v.split(':')[1] === '/data' : v.target === '/data',
    );
    expect(dataVolume).toBeDefined();
    if (typeof dataVolume === 'string')
      expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume.split(':')[0]);
    expect(words(redis?.healthcheck?.test).join(' ')).toMatch(/redis-cli ping/);
    // Redis holds the request state (approving by editing it is possible): never published.
    expect(redis?.ports).toBeUndefined();
    expect(redis?.restart).toBe('unless-stopped');
  });

  it.each(BOT_SERVICES)(
    '%s: built from this repo, configured from .env, on the redis service, healthy and stopping cleanly',
    (name) => {
      const service = compose.services[name];
      expect(
        service?.build === '.' || (typeof service?.build === 'object' && service.build.context === '.'),
      ).toBe(true);
      expect(service?.image).toBe('lightsail-reset');
      const envFiles = [service?.env_file ?? []].flat().map((f) => (typeof f === 'string' ? f : f.path));
      expect(envFiles).toEqual(['.env']);
      const redisUrl = new URL(environment(service).REDIS_URL ?? '');
      expect(redisUrl.protocol).toBe('redis:');
      expect(redisUrl.hostname).toBe('redis');
      expect(Object.keys(compose.services)).toContain(redisUrl.hostname);
      expect(redisUrl.password).toBe('');
      const dependsOn = service?.depends_on;
      expect(Array.isArray(dependsOn) ? undefined : dependsOn?.redis?.condition).toBe('service_healthy');
      expect(words(service?.healthcheck?.test).join(' ')).toMatch(/\/healthz/);
      expect(service?.restart).toBe('unless-stopped');
      // The bot exits within 10 s of SIGTERM: the grace period leaves it that time.
      expect(seconds(service?.stop_grace_period)).toBeGreaterThanOrEqual(15);
    },
  );

  it('publishes port 3000 of the app; the healthcheck and PORT agree with it', () => {
    const published = (app?.ports ?? []).map((p) =>
      typeof p === 'string' ? p : `${p.published}:${p.target}`,
    );
    expect(published).toContain('3000:3000');
    expect(environment(app).PORT).toBe('3000');
    expect(words(app?.healthcheck?.test).join(' ')).toContain('127.0.0.1:3000/healthz');
    // Scaled workers cannot share a published port.
    expect(worker?.ports).toBeUndefined();
  });

  it('runs the roles: the app web and worker together, extra workers under the scale profile', () => {
    expect(app?.profiles).toBeUndefined();
    expect(words(app?.command)).toEqual(['node', 'dist/main.js', 'all']);
    expect(worker?.profiles).toEqual(['scale']);
    expect(words(worker?.command)).toEqual(['node', 'dist/main.js', 'worker']);
    // Without any profile, something still runs resets.
    const defaultRoles = Object.values(compose.services)
      .filter((s) => s.profiles === undefined && s.image === 'lightsail-reset')
      .map((s) => words(s.command)[2] ?? 'all');
    expect(defaultRoles.some((role) => role === 'all' || role === 'worker')).toBe(true);
  });

  it('gives the extra workers a smaller CPU share than the app, whose acks Slack waits for', () => {
    // Docker's default share is 1024.
    expect(worker?.cpu_shares).toBeLessThan(app?.cpu_shares ?? 1024);
    expect(worker?.cpu_shares).toBeGreaterThan(0);
  });

  it('holds no secret: tokens, signing secret, AWS keys and passwords come from .env', () => {
    for (const name of BOT_SERVICES) {
      const keys = Object.keys(environment(compose.services[name]));
      expect(keys.filter((key) => /TOKEN|SECRET|PASSWORD|AWS_|SLACK_/.test(key))).toEqual([]);
    }
    expect(text).not.toMatch(/xox[abp]-|xapp-|AKIA[0-9A-Z]{12,}|requirepass|redis:\/\/[^@\s]*:[^@\s]*@/);
    expect(readFileSync(fileURLToPath(new URL('../../../.gitignore', import.meta.url)), 'utf8')).toMatch(
      /^\.env$/m,
    );
  });
});
