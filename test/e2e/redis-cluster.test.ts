import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import { AppProcess } from '../../src/local/app-process.js';
import { type RedisServerHandle, startRedisServer } from '../../src/local/redis-server.js';
import { openRedis } from '../../src/store/redis-connection.js';
import { RequestStore } from '../../src/store/request-store.js';
import { aRequest } from '../support/requests.js';
import { cardIn, resetCalls, sleep, startStand, waitForFinal } from '../support/stand.js';

/** Three masters on loopback, each owning a third of the slots, made with redis-cli --cluster create. */
async function startCluster(): Promise<RedisServerHandle[]> {
  const nodes = await Promise.all(
    [0, 1, 2].map(() =>
      startRedisServer({
        extraArgs: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
        ],
      }),
    ),
  );
  execFileSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  for (const node of nodes) {
    const client = new Redis(node.url, { lazyConnect: true });
    await client.connect();
    for (let i = 0; i < 100 && !/cluster_state:ok/.test(await client.cluster('INFO')); i++) await sleep(100);
    client.disconnect();
  }
  return nodes;
}

describe('a Redis Cluster of three nodes', () => {
  let nodes: RedisServerHandle[] = [];
  beforeAll(async () => {
    nodes = await startCluster();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('runs the whole flow with a hash-tagged QUEUE_PREFIX', async () => {
    const stand = await startStand({
      redisUrl: nodes[0]?.url,
      env: { QUEUE_PREFIX: '{lsr-cluster}' },
      extraDistributions: ['cluster-one'],
    });
    try {
      await stand.command('cluster-one', 'U0REQUEST', 'C0CLUSTER');
      const { card, requestId } = await cardIn(stand, 'C0CLUSTER');
      await stand.click(ACTION_IDS.approve, requestId, 'U0APPROVE', card.ts, 'C0CLUSTER');
      await waitForFinal(stand, 'C0CLUSTER', card.ts);
      expect(resetCalls(stand, 'cluster-one')).toHaveLength(1);
      expect((await fetch(`http://127.0.0.1:${stand.port}/readyz`)).status).toBe(200);
    } finally {
      await stand.stop();
    }
  });

  it('finds the approved requests among pending ones on a cluster, the keys of a batch in one slot', async () => {
    const cluster = await openRedis(nodes[2]?.url ?? '', 'worker');
    const prefix = `{lsr-states-${process.pid}}`;
    const store = new RequestStore(cluster, prefix);
    const requests = Array.from({ length: 20 }, (_, i) => aRequest({ distributionName: `states-${i}` }));
    try {
      for (const r of requests) await store.create(r, { event: 'requested', actor: r.requesterId });
      const approved = requests[7] as (typeof requests)[number];
      await store.transition(approved.id, 'approved', {}, { event: 'approved', actor: 'U0APPROVE' });
      expect(await store.activeIdsIn(['approved', 'running'])).toEqual([approved.id]);
    } finally {
      // All in the prefix's one slot, so one DEL takes them all.
      await cluster.del(
        `${prefix}:requests:active`,
        `${prefix}:audit`,
        ...requests.flatMap((r) => [
          `${prefix}:request:${r.id}`,
          `${prefix}:distribution:${r.distributionName}:open`,
        ]),
      );
      cluster.disconnect();
    }
  });

  it('refuses to start on a cluster without a hash-tagged prefix, saying why', async () => {
    const { code, output } = await AppProcess.runToExit({
      SLACK_BOT_TOKEN: 'xoxb-cluster',
      SLACK_SIGNING_SECRET: 'cluster-signing-secret',
      APPROVER_USER_IDS: 'U0APPROVE',
      AWS_ACCESS_KEY_ID: 'AKIDCLUSTER',
      AWS_SECRET_ACCESS_KEY: 'cluster-secret',
      REDIS_URL: nodes[1]?.url ?? '',
      QUEUE_PREFIX: 'lightsail-reset',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n').at(-1)).toMatch(
      /Redis Cluster node: QUEUE_PREFIX must be a hash tag in braces/,
    );
  });
});
