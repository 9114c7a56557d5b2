import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signSlackRequest, slashCommandBody } from '../../src/local/slack-requests.js';

/**
 * The open-loop load generator, run as a child process so that the fakes serving the app in the
 * bench process never delay it: it sends signed `/lightsail-reset <name>` requests on a fixed
 * schedule whatever the answers do, and prints one JSON line with what it measured.
 */
export interface OpenLoopPlan {
  url: string;
  signingSecret: string;
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  /** Request i asks for `${namePrefix}${i}`: a distribution of its own (the app allows one open request each). */
  namePrefix: string;
  channels: string[];
  userId: string;
  responseUrlBase: string;
}

export interface OpenLoopResult {
  /** Send-to-answer times of the measured requests (after the warm-up) that answered 200. */
  latenciesMs: number[];
  sent: number;
  errors: number;
  statusCounts: Record<string, number>;
  /** How late the generator sent, against its schedule: small means the schedule was kept. */
  maxSendLagMs: number;
}

const TIMEOUT_MS = 10_000;

function buildRequests(plan: OpenLoopPlan, count: number) {
  // Built and signed up front (signatures stay valid for 5 minutes), so sending costs nothing more.
  return Array.from({ length: count }, (_, i) => {
    const body = slashCommandBody({
      text: `${plan.namePrefix}${i}`,
      userId: plan.userId,
      channelId: plan.channels[i % plan.channels.length] ?? 'C0BENCH',
      responseUrl: `${plan.responseUrlBase}load-${i}`,
    });
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
        ...signSlackRequest(plan.signingSecret, body),
      },
    };
  });
}

async function run(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const warmupCount = Math.round((plan.ratePerSecond * plan.warmupMs) / 1000);
  const measuredCount = Math.round((plan.ratePerSecond * plan.durationMs) / 1000);
  const total = warmupCount + measuredCount;
  const requests = buildRequests(plan, total);
  // An agent timeout makes Node honour the server's `Keep-Alive: timeout=5` hint: an idle socket is
  // closed 1 s before the server would close it, instead of being reused as the server closes it
  // (which failed one request in 20,000 with ECONNRESET: a generator error, counted against the app).
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, timeout: TIMEOUT_MS });
  const url = new URL(plan.url);
  const gapMs = 1000 / plan.ratePerSecond;
  const result: OpenLoopResult = { latenciesMs: [], sent: 0, errors: 0, statusCounts: {}, maxSendLagMs: 0 };
  let answered = 0;

  return new Promise((resolve) => {
    const finishOne = () => {
      answered += 1;
      if (answered === total) {
        agent.destroy();
        resolve(result);
      }
    };
    const send = (index: number, lagMs: number) => {
      const measured = index >= warmupCount;
      const prepared = requests[index];
      if (!prepared) return;
      if (measured) {
        result.sent += 1;
        result.maxSendLagMs = Math.max(result.maxSendLagMs, lagMs);
      }
      const began = performance.now();
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: prepared.headers,
          timeout: TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = String(res.statusCode);
            if (measured) {
              result.statusCounts[status] = (result.statusCounts[status] ?? 0) + 1;
              if (res.statusCode === 200) result.latenciesMs.push(performance.now() - began);
              else result.errors += 1;
            }
            finishOne();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => {
        if (measured) {
          result.errors += 1;
          const key = `error:${(error as NodeJS.ErrnoException).code ?? error.message}`;
          result.statusCounts[key] = (result.statusCounts[key] ?? 0) + 1;
        }
        finishOne();
      });
      req.end(prepared.body);
    };

    const start = performance.now();
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * gapMs <= now) {
        send(next, now - (start + next * gapMs));
        next += 1;
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * gapMs - performance.now()));
    };
    tick();
  });
}

const plan = JSON.parse(process.env.OPEN_LOOP_PLAN ?? '{}') as OpenLoopPlan;
const result = await run(plan);
process.stdout.write(`${JSON.stringify(result)}\n`);
