import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LightsailGateway } from '../../src/lightsail/lightsail-gateway.js';
import { FakeLightsail } from '../../src/local/fake-lightsail.js';

// The gateway takes its endpoint and credentials from the SDK's own chain, as in production.
const ENV = {
  AWS_ENDPOINT_URL_LIGHTSAIL: '',
  AWS_ACCESS_KEY_ID: 'AKIDFAKE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const saved: Record<string, string | undefined> = {};

let fake: FakeLightsail;
let gateway: LightsailGateway;
let counted: string[];

beforeAll(async () => {
  fake = new FakeLightsail({ distributions: [{ name: 'web-prod' }] });
  ENV.AWS_ENDPOINT_URL_LIGHTSAIL = await fake.start();
  for (const [key, value] of Object.entries(ENV)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});

afterAll(async () => {
  gateway?.destroy();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await fake.stop();
});

beforeEach(() => {
  gateway?.destroy();
  counted = [];
  fake.calls.length = 0;
  gateway = new LightsailGateway({ onCall: (operation, outcome) => counted.push(`${operation} ${outcome}`) });
});

// The clients resolve their middleware stacks once per command type (cacheMiddleware): every call after
// the first runs the cached stack, so each behaviour is checked on a first call and on later ones.
describe('LightsailGateway against the fake Lightsail', () => {
  it('counts every call once, by outcome, on the first call of each kind and on every later one', async () => {
    for (let round = 0; round < 3; round++) {
      expect((await gateway.findDistribution('web-prod'))?.name).toBe('web-prod');
      expect(await gateway.findDistribution('no-such-name')).toBeUndefined();
      await gateway.latestCacheReset('web-prod');
      const started = await gateway.resetCache('web-prod');
      expect((await gateway.getOperation(started.id)).id).toBe(started.id);
    }
    const round = [
      'GetDistributions ok',
      'GetDistributions NotFoundException',
      'GetDistributionLatestCacheReset ok',
      'ResetDistributionCache ok',
      'GetOperation ok',
    ];
    expect(counted).toEqual([...round, ...round, ...round]);
    // Nothing was tried twice or left out: the fake saw the same calls, in the same order.
    expect(fake.calls.map((c) => c.operation)).toEqual(counted.map((line) => line.split(' ')[0]));
  });

  it('tries a read again after a 5xx, every time, and counts it once', async () => {
    for (let round = 0; round < 2; round++) {
      fake.calls.length = 0;
      counted = [];
      fake.injectFault('GetDistributions', { kind: 'http', status: 503 }, 2);
      expect((await gateway.findDistribution('web-prod'))?.name).toBe('web-prod');
      expect(fake.callsOf('GetDistributions')).toHaveLength(3);
      expect(counted).toEqual(['GetDistributions ok']);
    }
  });

  it('never tries a reset again, on its first call or a later one: a 5xx may hide a reset that started', async () => {
    for (let round = 0; round < 2; round++) {
      fake.calls.length = 0;
      counted = [];
      fake.injectFault('ResetDistributionCache', { kind: 'http', status: 503 }, 1);
      await expect(gateway.resetCache('web-prod')).rejects.toThrow();
      expect(fake.callsOf('ResetDistributionCache')).toHaveLength(1);
      expect(counted).toHaveLength(1);
      expect(counted[0]).toMatch(/^ResetDistributionCache (?!ok)/);
    }
    // And the fault used up, the next one goes through once.
    fake.calls.length = 0;
    await gateway.resetCache('web-prod');
    expect(fake.callsOf('ResetDistributionCache')).toHaveLength(1);
  });
});
