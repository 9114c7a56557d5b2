import {
  GetDistributionLatestCacheResetCommand,
  GetDistributionsCommand,
  GetOperationCommand,
  LightsailClient,
  ResetDistributionCacheCommand,
} from '@aws-sdk/client-lightsail';
import { classifyLightsailError } from './classify-lightsail-error.js';

/** Distributions live in us-east-1 only, whatever region the origin or AWS_REGION names. */
export const DISTRIBUTION_REGION = 'us-east-1';

export interface DistributionSummary {
  name: string;
  domainName: string | undefined;
  alternativeDomainNames: string[];
  status: string | undefined;
  originName: string | undefined;
}

export interface OperationSnapshot {
  id: string;
  status: string;
  isTerminal: boolean;
  errorCode: string | undefined;
  errorDetails: string | undefined;
}

export interface LatestCacheReset {
  status: string | undefined;
  createdAt: Date | undefined;
}

/** The only module that talks to Lightsail. Endpoint and credentials come from the SDK's own chain. */
export class LightsailGateway {
  private readonly client: LightsailClient;
  // A reset is never retried inside the SDK: a 5xx may hide a reset that did start, and the worker checks first.
  private readonly resetClient: LightsailClient;

  constructor(
    options: { readAttempts?: number; onCall?: (operation: string, outcome: string) => void } = {},
  ) {
    const shared = {
      region: DISTRIBUTION_REGION,
      // Bounded timeouts: a hung connection must not hold a step for minutes.
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 6_000 },
      // The middleware stack is resolved once per command type, not on every call (about a fifth of the
      // SDK's CPU per call, measured): nothing here changes the stacks after the constructor.
      cacheMiddleware: true,
    };
    this.client = new LightsailClient({ ...shared, maxAttempts: options.readAttempts ?? 3 });
    this.resetClient = new LightsailClient({ ...shared, maxAttempts: 1 });
    if (options.onCall) {
      const onCall = options.onCall;
      // Counted once per SDK call, after the SDK's own retries, by outcome: ok or the error's name.
      for (const client of [this.client, this.resetClient]) {
        client.middlewareStack.add(
          (next, context) => async (args) => {
            const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
            try {
              const result = await next(args);
              onCall(operation, 'ok');
              return result;
            } catch (error) {
              onCall(operation, error instanceof Error ? error.name : 'Error');
              throw error;
            }
          },
          { step: 'initialize', name: 'countLightsailCalls' },
        );
      }
    }
  }

  /** Undefined when Lightsail says no distribution has that name. */
  async findDistribution(name: string): Promise<DistributionSummary | undefined> {
    try {
      const out = await this.client.send(new GetDistributionsCommand({ distributionName: name }));
      const found = out.distributions?.find((d) => d.name === name);
      if (!found?.name) return undefined;
      return {
        name: found.name,
        domainName: found.domainName,
        alternativeDomainNames: found.alternativeDomainNames ?? [],
        status: found.status,
        originName: found.origin?.name,
      };
    } catch (error) {
      const verdict = classifyLightsailError(error);
      if (!verdict.retryable && verdict.kind === 'not-found') return undefined;
      throw error;
    }
  }

  /** Every distribution's name, following pageToken (no paginator is generated for this call). */
  async listDistributionNames(): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 50; page++) {
      const out = await this.client.send(new GetDistributionsCommand(pageToken ? { pageToken } : {}));
      for (const d of out.distributions ?? []) if (d.name) names.push(d.name);
      pageToken = out.nextPageToken;
      if (!pageToken) break;
    }
    return names;
  }

  async resetCache(distributionName: string): Promise<OperationSnapshot> {
    if (distributionName.length === 0) throw new Error('refusing to reset with an empty distribution name');
    const out = await this.resetClient.send(new ResetDistributionCacheCommand({ distributionName }));
    const operation = out.operation;
    if (!operation?.id) throw new Error('ResetDistributionCache answered without an operation id');
    return toSnapshot(operation, out.status);
  }

  async getOperation(operationId: string): Promise<OperationSnapshot> {
    const out = await this.client.send(new GetOperationCommand({ operationId }));
    if (!out.operation?.id) throw new Error(`GetOperation answered without the operation ${operationId}`);
    return toSnapshot(out.operation, undefined);
  }

  async latestCacheReset(distributionName: string): Promise<LatestCacheReset> {
    const out = await this.client.send(new GetDistributionLatestCacheResetCommand({ distributionName }));
    return { status: out.status, createdAt: out.createTime };
  }

  /** Resolves the SDK's credential chain now, so missing credentials are reported at start, not on first use. */
  async checkCredentials(): Promise<void> {
    await this.client.config.credentials();
  }

  destroy(): void {
    this.client.destroy();
    this.resetClient.destroy();
  }
}

function toSnapshot(
  operation: {
    id?: string;
    status?: string;
    isTerminal?: boolean;
    errorCode?: string;
    errorDetails?: string;
  },
  fallbackStatus: string | undefined,
): OperationSnapshot {
  const status = operation.status ?? fallbackStatus ?? 'Started';
  return {
    id: operation.id ?? '',
    status,
    isTerminal: operation.isTerminal ?? ['Succeeded', 'Failed', 'Completed'].includes(status),
    errorCode: operation.errorCode,
    errorDetails: operation.errorDetails,
  };
}
