import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppProcess, runNodeToExit } from '../../src/local/app-process.js';
import { FakeSlack } from '../../src/local/fake-slack.js';
import { freePort } from '../../src/local/redis-server.js';
import { testRedisUrl } from '../support/redis.js';

const DEMO = fileURLToPath(new URL('../../dist/local/demo.js', import.meta.url));

const VALID = {
  SLACK_BOT_TOKEN: 'xoxb-startup-test-token',
  SLACK_SIGNING_SECRET: 'startup-signing-secret',
  APPROVER_USER_IDS: 'U0APPROVE',
  AWS_ACCESS_KEY_ID: 'AKIDSTARTUP',
  AWS_SECRET_ACCESS_KEY: 'startup-secret-key',
};

describe('starting the app', () => {
  it.each([
    ['SLACK_BOT_TOKEN', { ...VALID, SLACK_BOT_TOKEN: '' }],
    ['SLACK_SIGNING_SECRET', { ...VALID, SLACK_SIGNING_SECRET: '' }],
    ['APPROVER_USER_IDS', { ...VALID, APPROVER_USER_IDS: 'bob' }],
    ['APPROVAL_TTL', { ...VALID, APPROVAL_TTL: 'soon' }],
  ])('stops with one clear line naming %s when it is bad or missing', async (variable, env) => {
    const { code, output } = await AppProcess.runToExit(env);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(lines[0]).toContain('npm run demo');
    expect(output).not.toContain('startup-signing-secret');
  });

  it('stops with one clear line when Redis cannot be reached', async () => {
    const port = await freePort();
    const { code, output } = await AppProcess.runToExit({
      ...VALID,
      REDIS_URL: `redis://:hunter2@127.0.0.1:${port}`,
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n').at(-1)).toMatch(/Cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(output).not.toContain('hunter2');
  });

  it('stops with one clear line when there are no AWS credentials', async () => {
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...withoutAws } = VALID;
    const { code, output } = await AppProcess.runToExit({
      ...withoutAws,
      REDIS_URL: testRedisUrl(),
      // No instance metadata lookups from a test: nothing off this machine is ever contacted.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      HOME: '/nonexistent',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n').at(-1)).toMatch(
      /^lightsail-reset: No usable AWS credentials .*Set AWS_ACCESS_KEY_ID/,
    );
  });

  it('stops with one clear line when Slack refuses the bot token', async () => {
    const slack = new FakeSlack({ botToken: 'xoxb-the-right-one' });
    await slack.start();
    try {
      const { code, output } = await AppProcess.runToExit({
        ...VALID,
        REDIS_URL: testRedisUrl(),
        SLACK_API_URL: slack.apiUrl,
        PORT: String(await freePort()),
      });
      expect(code).toBe(1);
      expect(output.trim().split('\n').at(-1)).toMatch(
        /Slack did not accept SLACK_BOT_TOKEN \(invalid_auth\)/,
      );
      expect(output).not.toContain('xoxb-startup-test-token');
    } finally {
      await slack.stop();
    }
  });
});

describe('npm run demo', () => {
  it('plays the picker, an approval, a denial, a failure, a workflow step and the Home tab, and exits 0', async () => {
    const { code, output } = await runNodeToExit([DEMO], { REDIS_URL: testRedisUrl() }, 60_000);
    expect(output).toContain('Demo finished');
    expect(output).toContain('[ Choose a distribution ▾ ]');
    expect(output).toMatch(/denied the cache reset of `docs_site`/);
    expect(output).toMatch(/web-staging` Failed after .*InternalFailure/);
    expect(output).toMatch(/the workflow's next step gets: \{"request_id":"r[0-9a-z]+","status":"succeeded"/);
    expect(output).toContain('▌ Waiting for your approval');
    expect(output).toMatch(/ResetDistributionCache calls: 3 \(signed for us-east-1\)/);
    expect(code).toBe(0);
  });

  it('says in one line how to install redis-server when it is missing', async () => {
    const { code, output } = await runNodeToExit([DEMO], { PATH: '/nonexistent' });
    expect(code).toBe(1);
    expect(output.trim().split('\n').at(-1)).toMatch(
      /redis-server was not found.*apt-get install -y redis-server/,
    );
  });
});
