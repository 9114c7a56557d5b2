import {
  GetDistributionLatestCacheResetCommand,
  GetDistributionsCommand,
  GetOperationCommand,
  LightsailClient,
  type LightsailClientConfig,
  LightsailServiceException,
  NotFoundException,
  ResetDistributionCacheCommand,
} from '@aws-sdk/client-lightsail';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeLightsail } from '../../../src/local/fake-lightsail.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let fake: FakeLightsail;

function client(extra: Partial<LightsailClientConfig> = {}): LightsailClient {
  return new LightsailClient({
    region: 'us-east-1',
    endpoint: fake.url,
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'secret' },
    ...extra,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  fake = new FakeLightsail({
    distributions: [{ name: 'web-prod', alternativeDomainNames: ['www.example.com'] }],
  });
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

describe('FakeLightsail with the real LightsailClient', () => {
  it('lists distributions with the fields the SDK knows, timestamps as Dates', async () => {
    const out = await client().send(new GetDistributionsCommand({}));
    expect(out.distributions).toHaveLength(1);
    const d = out.distributions?.[0];
    expect(d?.name).toBe('web-prod');
    expect(d?.arn).toMatch(/^arn:aws:lightsail:us-east-1:123456789012:Distribution\/[0-9a-f-]{36}$/);
    expect(d?.status).toBe('Deployed');
    expect(d?.isEnabled).toBe(true);
    expect(d?.domainName).toMatch(/\.cloudfront\.net$/);
    expect(d?.alternativeDomainNames).toEqual(['www.example.com']);
    expect(d?.origin).toEqual({
      name: 'web-prod-origin',
      regionName: 'us-east-1',
      resourceType: 'Instance',
      protocolPolicy: 'http-only',
    });
    expect(d?.location).toEqual({ availabilityZone: 'all', regionName: 'us-east-1' });
    expect(d?.createdAt).toBeInstanceOf(Date);
    expect(out.nextPageToken).toBeUndefined();
  });

  it('pages GetDistributions with pageToken until nextPageToken is absent', async () => {
    await fake.stop();
    fake = new FakeLightsail({
      pageSize: 2,
      distributions: ['a1', 'b2', 'c3', 'd4', 'e5'].map((name) => ({ name })),
    });
    await fake.start();
    const c = client();
    const names: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const out = await c.send(new GetDistributionsCommand({ pageToken }));
      names.push(...(out.distributions ?? []).map((d) => d.name ?? ''));
      pageToken = out.nextPageToken;
      pages++;
    } while (pageToken);
    expect(names).toEqual(['a1', 'b2', 'c3', 'd4', 'e5']);
    expect(pages).toBe(3);
    expect(fake.callsOf('GetDistributions').map((call) => call.input.pageToken !== undefined)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('finds one distribution by name', async () => {
    const out = await client().send(new GetDistributionsCommand({ distributionName: 'web-prod' }));
    expect(out.distributions?.map((d) => d.name)).toEqual(['web-prod']);
  });

  it('answers an unknown distribution with NotFoundException carrying code DoesNotExist', async () => {
    const err = await rejection(client().send(new GetDistributionsCommand({ distributionName: 'nope' })));
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err.name).toBe('NotFoundException');
    expect(err.code).toBe('DoesNotExist');
    expect((err as unknown as NotFoundException).$metadata.httpStatusCode).toBe(400);
  });

  it('resets a cache and reports the operation through the scripted statuses', async () => {
    const c = client();
    const reset = await c.send(new ResetDistributionCacheCommand({ distributionName: 'web-prod' }));
    expect(reset.status).toBe('Started');
    expect(reset.createTime).toBeInstanceOf(Date);
    const operationId = reset.operation?.id;
    expect(operationId).toBeDefined();
    expect(reset.operation?.isTerminal).toBe(false);

    const seen: Array<[string | undefined, boolean | undefined]> = [];
    for (let i = 0; i < 4; i++) {
      const { operation } = await c.send(new GetOperationCommand({ operationId }));
      seen.push([operation?.status, operation?.isTerminal]);
      expect(operation?.createdAt).toBeInstanceOf(Date);
      expect(operation?.statusChangedAt).toBeInstanceOf(Date);
      expect(operation?.operationType).toBe('ResetDistributionCache');
      expect(operation?.resourceName).toBe('web-prod');
      expect(operation?.resourceType).toBe('Distribution');
    }
    expect(seen).toEqual([
      ['Started', false],
      ['Started', false],
      ['Succeeded', true],
      ['Succeeded', true],
    ]);
    expect(fake.operations()).toEqual([
      { id: operationId, distributionName: 'web-prod', createdAt: expect.any(Number), polls: 4 },
    ]);
    const latest = await c.send(new GetDistributionLatestCacheResetCommand({ distributionName: 'web-prod' }));
    expect(latest.status).toBe('Succeeded');
    expect(latest.createTime?.getTime()).toBe(reset.createTime?.getTime());
  });

  it('fails an operation with the scripted error after its duration', async () => {
    fake.setOperationScript((name) => ({ durationMs: 50, final: 'Failed', errorDetails: `${name} broke` }));
    const c = client();
    const reset = await c.send(new ResetDistributionCacheCommand({ distributionName: 'web-prod' }));
    const operationId = reset.operation?.id;
    const first = await c.send(new GetOperationCommand({ operationId }));
    expect(first.operation?.status).toBe('Started');
    await new Promise((resolve) => setTimeout(resolve, 80));
    const later = await c.send(new GetOperationCommand({ operationId }));
    expect(later.operation).toMatchObject({
      status: 'Failed',
      isTerminal: true,
      errorCode: 'InternalError',
      errorDetails: 'web-prod broke',
    });
  });

  it('answers GetDistributionLatestCacheReset with nothing before any reset', async () => {
    const out = await client().send(
      new GetDistributionLatestCacheResetCommand({ distributionName: 'web-prod' }),
    );
    expect(out.status).toBeUndefined();
    expect(out.createTime).toBeUndefined();
  });

  it('refuses a reset without a name as InvalidInputException and an unknown one as NotFoundException', async () => {
    const c = client();
    const empty = await rejection(c.send(new ResetDistributionCacheCommand({ distributionName: '' })));
    expect(empty.name).toBe('InvalidInputException');
    expect(empty.code).toBe('InvalidInput');
    const missing = await rejection(c.send(new ResetDistributionCacheCommand({})));
    expect(missing.name).toBe('InvalidInputException');
    const unknown = await rejection(
      c.send(new ResetDistributionCacheCommand({ distributionName: 'web-dev' })),
    );
    expect(unknown).toBeInstanceOf(NotFoundException);
    expect(fake.operations()).toEqual([]);
  });

  it('answers an unknown operation id with NotFoundException', async () => {
    const err = await rejection(client().send(new GetOperationCommand({ operationId: 'no-such-id' })));
    expect(err).toBeInstanceOf(NotFoundException);
  });

  it('names an error after its code when the body has no __type', async () => {
    fake.injectFault('GetDistributions', { kind: 'error', code: 'DoesNotExist', message: 'gone' });
    const err = await rejection(client().send(new GetDistributionsCommand({ distributionName: 'web-prod' })));
    expect(err).toBeInstanceOf(LightsailServiceException);
    expect(err).not.toBeInstanceOf(NotFoundException);
    expect(err.name).toBe('DoesNotExist');
    expect(err.message).toBe('gone');
  });

  it('lets the SDK retry a throttled call and then succeed', async () => {
    fake.injectFault('ResetDistributionCache', { kind: 'throttle' });
    const reset = await client().send(new ResetDistributionCacheCommand({ distributionName: 'web-prod' }));
    expect(reset.status).toBe('Started');
    expect(fake.callsOf('ResetDistributionCache')).toHaveLength(2);
    expect(fake.operations()).toHaveLength(1);
  });

  it('surfaces throttling as a ThrottlingException when retries are off', async () => {
    fake.injectFault('*', { kind: 'throttle' });
    const err = await rejection(client({ maxAttempts: 1 }).send(new GetDistributionsCommand({})));
    expect(err.name).toBe('ThrottlingException');
    expect(err.message).toBe('Rate exceeded');
  });

  it('retries a 503 and a dropped connection as transient errors', async () => {
    fake.injectFault('GetDistributions', { kind: 'http', status: 503 });
    fake.injectFault('GetDistributions', { kind: 'drop' });
    const out = await client().send(new GetDistributionsCommand({}));
    expect(out.distributions).toHaveLength(1);
    expect(fake.callsOf('GetDistributions')).toHaveLength(3);
  });

  it('reports an empty 503 as Unknown and a dropped connection as ECONNRESET without retries', async () => {
    fake.injectFault('GetDistributions', { kind: 'http', status: 503 });
    const unknown = await rejection(client({ maxAttempts: 1 }).send(new GetDistributionsCommand({})));
    expect(unknown.name).toBe('Unknown');
    fake.injectFault('GetDistributions', { kind: 'drop' });
    const dropped = await rejection(client({ maxAttempts: 1 }).send(new GetDistributionsCommand({})));
    expect(dropped.code).toBe('ECONNRESET');
  });

  it('delays an answer when told to, letting a later call overtake it', async () => {
    fake.injectFault('GetDistributions', { kind: 'delay', ms: 200 });
    const c = client();
    const finished: string[] = [];
    await Promise.all([
      c.send(new GetDistributionsCommand({})).then(() => finished.push('GetDistributions')),
      c
        .send(new GetDistributionLatestCacheResetCommand({ distributionName: 'web-prod' }))
        .then(() => finished.push('GetDistributionLatestCacheReset')),
    ]);
    expect(finished).toEqual(['GetDistributionLatestCacheReset', 'GetDistributions']);
  });

  it('records the signing region from the Authorization header', async () => {
    await client().send(new GetDistributionsCommand({}));
    await client({ region: 'eu-west-1' }).send(new GetDistributionsCommand({}));
    const calls = fake.callsOf('GetDistributions');
    expect(calls.map((call) => call.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(calls[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKE\//);
  });

  it('answers an unknown target with UnknownOperationException', async () => {
    const res = await fetch(fake.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Lightsail_20161128.DeleteEverything',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(await res.json()).toEqual({ __type: 'UnknownOperationException' });
    expect(fake.calls.at(-1)?.operation).toBe('DeleteEverything');
  });

  it('adds distributions after start', async () => {
    fake.addDistribution({
      name: 'web-staging',
      domainName: 'staging.cloudfront.net',
      originRegion: 'eu-west-1',
    });
    const out = await client().send(new GetDistributionsCommand({ distributionName: 'web-staging' }));
    expect(out.distributions?.[0]?.domainName).toBe('staging.cloudfront.net');
    expect(out.distributions?.[0]?.origin?.regionName).toBe('eu-west-1');
  });
});
