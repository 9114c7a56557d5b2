import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan } from './fault-plan.js';

export interface FakeDistribution {
  name: string;
  domainName?: string;
  alternativeDomainNames?: string[];
  originName?: string;
  originRegion?: string;
  status?: string;
}

export type OperationScript =
  | { statuses: string[]; errorCode?: string; errorDetails?: string }
  | { durationMs: number; final?: 'Succeeded' | 'Failed'; errorCode?: string; errorDetails?: string };

export type LightsailFault =
  | { kind: 'throttle' }
  | { kind: 'http'; status: number; body?: string }
  | { kind: 'error'; type?: string; code?: string; message?: string; status?: number }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

export interface LightsailCall {
  operation: string;
  input: Record<string, unknown>;
  region: string | undefined;
  authorization: string | undefined;
  at: number;
}

type ScriptSource = OperationScript | ((distributionName: string) => OperationScript);

interface StoredDistribution {
  json: Record<string, unknown>;
}

interface StoredOperation {
  id: string;
  distributionName: string;
  createdAtMs: number;
  script: OperationScript;
  polls: number;
  status: string;
  statusChangedAtMs: number;
}

interface Answer {
  status: number;
  body: unknown;
}

const TARGET_PREFIX = 'Lightsail_20161128.';
const DEFAULT_SCRIPT: OperationScript = { statuses: ['Started', 'Started', 'Succeeded'] };
const TERMINAL = new Set(['Succeeded', 'Failed', 'Completed']);
const NAME_PATTERN = /^\w[\w-]*\w$/;
const LOCATION = { availabilityZone: 'all', regionName: 'us-east-1' };

const epochSeconds = (ms: number): number => ms / 1000;

const errorAnswer = (type: string, code: string, message: string): Answer => ({
  status: 400,
  body: { __type: type, code, message },
});

const notFound = (message: string): Answer => errorAnswer('NotFoundException', 'DoesNotExist', message);
const invalidInput = (message: string): Answer =>
  errorAnswer('InvalidInputException', 'InvalidInput', message);

function regionFromAuthorization(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/[^/,\s]+\/aws4_request/);
  return match?.[1];
}

function randomCloudFrontHost(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = Array.from(randomBytes(13), (b) => alphabet[b % alphabet.length]).join('');
  return `d${id}.cloudfront.net`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function stringMember(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

export class FakeLightsail {
  readonly calls: LightsailCall[] = [];

  private readonly distributions = new Map<string, StoredDistribution>();
  private readonly ops = new Map<string, StoredOperation>();
  private readonly latestReset = new Map<string, string>();
  private readonly faultPlan = new FaultPlan<LightsailFault>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly latencyMs: number;
  private readonly pageSize: number;
  private script: ScriptSource;
  private server: Server | undefined;
  private endpoint: string | undefined;

  constructor(
    opts: {
      distributions?: FakeDistribution[];
      latencyMs?: number;
      pageSize?: number;
      operationScript?: ScriptSource;
    } = {},
  ) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.pageSize = opts.pageSize ?? 100;
    this.script = opts.operationScript ?? DEFAULT_SCRIPT;
    for (const d of opts.distributions ?? []) this.addDistribution(d);
  }

  get url(): string {
    if (!this.endpoint) throw new Error('FakeLightsail is not started: call start() first');
    return this.endpoint;
  }

  async start(port = 0): Promise<string> {
    if (this.server) throw new Error('FakeLightsail is already started');
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.send(res, { status: 500, body: { __type: 'ServiceException', message: String(err) } });
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  callsOf(operation: string): LightsailCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  injectFault(operation: string, fault: LightsailFault, times = 1): void {
    this.faultPlan.inject(operation, fault, times);
  }

  addDistribution(d: FakeDistribution): void {
    if (this.distributions.has(d.name)) throw new Error(`distribution ${d.name} already exists`);
    const json: Record<string, unknown> = {
      name: d.name,
      arn: `arn:aws:lightsail:us-east-1:123456789012:Distribution/${randomUUID()}`,
      supportCode: `123456789012/${randomUUID()}`,
      createdAt: epochSeconds(Date.now()),
      location: LOCATION,
      resourceType: 'Distribution',
      alternativeDomainNames: d.alternativeDomainNames ?? [],
      status: d.status ?? 'Deployed',
      isEnabled: true,
      domainName: d.domainName ?? randomCloudFrontHost(),
      bundleId: 'small_1_0',
      origin: {
        name: d.originName ?? `${d.name}-origin`,
        resourceType: 'Instance',
        regionName: d.originRegion ?? 'us-east-1',
        protocolPolicy: 'http-only',
      },
      originPublicDNS: `${d.originName ?? `${d.name}-origin`}.example.test`,
      defaultCacheBehavior: { behavior: 'cache' },
      cacheBehaviors: [],
      ableToUpdateBundle: true,
      ipAddressType: 'dualstack',
      tags: [],
    };
    this.distributions.set(d.name, { json });
  }

  setOperationScript(s: ScriptSource): void {
    this.script = s;
  }

  operations(): Array<{ id: string; distributionName: string; createdAt: number; polls: number }> {
    return [...this.ops.values()].map((o) => ({
      id: o.id,
      distributionName: o.distributionName,
      createdAt: o.createdAtMs,
      polls: o.polls,
    }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = req.headers['x-amz-target'];
    const targetText = Array.isArray(target) ? (target[0] ?? '') : (target ?? '');
    const operation = targetText.startsWith(TARGET_PREFIX)
      ? targetText.slice(TARGET_PREFIX.length)
      : targetText;
    const authorization = req.headers.authorization;
    let input: Record<string, unknown> = {};
    let malformed = false;
    if (raw.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          input = parsed as Record<string, unknown>;
        else malformed = true;
      } catch {
        malformed = true;
      }
    }
    this.calls.push({
      operation,
      input,
      region: regionFromAuthorization(authorization),
      authorization,
      at: Date.now(),
    });

    const fault = this.takeFault(operation);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await this.sleep(fault.ms);
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);

    if (fault?.kind === 'throttle') {
      this.send(res, { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
    } else if (fault?.kind === 'http') {
      this.sendRaw(res, fault.status, fault.body ?? '');
    } else if (fault?.kind === 'error') {
      const body: Record<string, unknown> = {};
      if (fault.type !== undefined) body.__type = fault.type;
      if (fault.code !== undefined) body.code = fault.code;
      body.message = fault.message ?? 'Injected fault';
      this.send(res, { status: fault.status ?? 400, body });
    } else if (req.method !== 'POST' || !targetText.startsWith(TARGET_PREFIX)) {
      this.send(res, { status: 400, body: { __type: 'UnknownOperationException' } });
    } else if (malformed) {
      this.send(res, {
        status: 400,
        body: { __type: 'SerializationException', message: 'Malformed JSON body' },
      });
    } else {
      this.send(res, this.dispatch(operation, input));
    }
  }

  private dispatch(operation: string, input: Record<string, unknown>): Answer {
    switch (operation) {
      case 'GetDistributions':
        return this.getDistributions(input);
      case 'ResetDistributionCache':
        return this.resetDistributionCache(input);
      case 'GetOperation':
        return this.getOperation(input);
      case 'GetDistributionLatestCacheReset':
        return this.getLatestCacheReset(input);
      default:
        return { status: 400, body: { __type: 'UnknownOperationException' } };
    }
  }

  private getDistributions(input: Record<string, unknown>): Answer {
    const name = stringMember(input, 'distributionName');
    if (name !== undefined) {
      const d = this.distributions.get(name);
      if (!d) return notFound(`The Distribution does not exist: ${name}`);
      return { status: 200, body: { distributions: [d.json] } };
    }
    const token = stringMember(input, 'pageToken');
    let offset = 0;
    if (token !== undefined) {
      const decoded = Number(
        Buffer.from(token, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      );
      if (!Number.isInteger(decoded) || decoded < 0) return invalidInput('The pageToken is invalid.');
      offset = decoded;
    }
    const all = [...this.distributions.values()];
    const page = all.slice(offset, offset + this.pageSize).map((d) => d.json);
    const next = offset + this.pageSize;
    const body: Record<string, unknown> = { distributions: page };
    if (next < all.length) body.nextPageToken = Buffer.from(`offset:${next}`).toString('base64url');
    return { status: 200, body };
  }

  private resetDistributionCache(input: Record<string, unknown>): Answer {
    const name = stringMember(input, 'distributionName');
    if (name === undefined || name === '') {
      return invalidInput('The distributionName parameter is required for this operation.');
    }
    if (!NAME_PATTERN.test(name)) return invalidInput(`The distribution name is invalid: ${name}`);
    if (!this.distributions.has(name)) return notFound(`The Distribution does not exist: ${name}`);
    const now = Date.now();
    const source = this.script;
    const op: StoredOperation = {
      id: randomUUID(),
      distributionName: name,
      createdAtMs: now,
      script: typeof source === 'function' ? source(name) : source,
      polls: 0,
      status: 'Started',
      statusChangedAtMs: now,
    };
    this.ops.set(op.id, op);
    this.latestReset.set(name, op.id);
    return {
      status: 200,
      body: { status: 'Started', createTime: epochSeconds(now), operation: this.operationJson(op) },
    };
  }

  private getOperation(input: Record<string, unknown>): Answer {
    const id = stringMember(input, 'operationId');
    if (id === undefined || id === '') return invalidInput('The operationId parameter is required.');
    const op = this.ops.get(id);
    if (!op) return notFound(`The Operation does not exist: ${id}`);
    op.polls += 1;
    this.advance(op);
    return { status: 200, body: { operation: this.operationJson(op) } };
  }

  private getLatestCacheReset(input: Record<string, unknown>): Answer {
    const name = stringMember(input, 'distributionName');
    if (name === undefined || name === '') return invalidInput('The distributionName parameter is required.');
    if (!this.distributions.has(name)) return notFound(`The Distribution does not exist: ${name}`);
    const op = this.ops.get(this.latestReset.get(name) ?? '');
    if (!op) return { status: 200, body: {} };
    // Asking about the latest reset moves a scripted operation on, as a GetOperation poll does.
    if ('statuses' in op.script) op.polls += 1;
    this.advance(op);
    return { status: 200, body: { status: op.status, createTime: epochSeconds(op.createdAtMs) } };
  }

  private advance(op: StoredOperation): void {
    const script = op.script;
    let status: string;
    let changedAt = Date.now();
    if ('statuses' in script) {
      status = script.statuses[Math.min(op.polls, script.statuses.length) - 1] ?? op.status;
    } else if (Date.now() - op.createdAtMs >= script.durationMs) {
      status = script.final ?? 'Succeeded';
      changedAt = op.createdAtMs + script.durationMs;
    } else {
      status = 'Started';
    }
    if (status !== op.status) {
      op.status = status;
      op.statusChangedAtMs = changedAt;
    }
  }

  private operationJson(op: StoredOperation): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: op.id,
      resourceName: op.distributionName,
      resourceType: 'Distribution',
      createdAt: epochSeconds(op.createdAtMs),
      location: LOCATION,
      isTerminal: TERMINAL.has(op.status),
      operationType: 'ResetDistributionCache',
      status: op.status,
      statusChangedAt: epochSeconds(op.statusChangedAtMs),
    };
    if (op.status === 'Failed') {
      json.errorCode = op.script.errorCode ?? 'InternalError';
      json.errorDetails = op.script.errorDetails ?? 'The cache reset failed';
    }
    return json;
  }

  /** From now on, each call of the named operations fails with probability `rate`, with one of `faults`. */
  setRandomFaults(
    rate: number,
    faults: LightsailFault[],
    operations: string[] = ['*'],
    random: () => number = Math.random,
  ): void {
    this.faultPlan.setRandom(rate, faults, operations, random);
  }

  /** How many faults were injected at random, by operation. */
  get randomFaultCounts(): ReadonlyMap<string, number> {
    return this.faultPlan.randomCounts;
  }

  private takeFault(operation: string): LightsailFault | undefined {
    return this.faultPlan.take(operation);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private send(res: ServerResponse, answer: Answer): void {
    this.sendRaw(res, answer.status, JSON.stringify(answer.body), 'application/x-amz-json-1.1');
  }

  private sendRaw(res: ServerResponse, status: number, body: string, contentType?: string): void {
    if (res.destroyed) return;
    const type =
      contentType ?? (body.trimStart().startsWith('{') ? 'application/x-amz-json-1.1' : 'text/plain');
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'x-amzn-RequestId': randomUUID(),
    });
    res.end(body);
  }
}
