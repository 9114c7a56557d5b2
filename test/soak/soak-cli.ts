import { formatSoakReport, runSoak } from './soak.js';

// npm run soak -- [requests]   (default 500): prints what it counted; exits 1 on a lost or doubled reset.
const requests = Number(process.argv[2] ?? 500);
if (!Number.isInteger(requests) || requests < 1) {
  process.stderr.write('usage: npm run soak -- <number of requests>\n');
  process.exit(2);
}
const report = await runSoak({
  requests,
  lightsailFaultRate: 0.2,
  slackFaultRate: 0.1,
  killWorkerAt: 0.5,
  redisUrl: process.env.REDIS_URL,
  timeoutMs: Math.max(120_000, requests * 1_000),
  log: (line) => process.stdout.write(`… ${line}\n`),
});
process.stdout.write(`\n${formatSoakReport(report)}\n`);
process.exit(report.lost.length === 0 && report.duplicateResets.length === 0 ? 0 : 1);
