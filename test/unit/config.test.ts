import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig } from '../../src/config.js';
import type { Rule } from '../../src/domain/policy.js';

const BOT_TOKEN = 'xoxb-1111-2222-botSECRETvalue';
const SIGNING_SECRET = 'signingSECRETvalue0123';
const MINIMAL = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  APPROVER_USER_IDS: 'U123',
};

const DEFAULT_RULE: Rule = {
  name: 'default',
  resettable: true,
  approvers: { users: ['U123'], groups: [] },
  approvalsRequired: 1,
  requesters: { users: [], groups: [] },
  channels: [],
  allowSelfApproval: false,
  ttlMs: 1_800_000,
  remindAfterMs: undefined,
  cooldownMs: undefined,
  breakGlass: { users: [], groups: [] },
};

type Env = Record<string, string | undefined>;

function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('fills in the documented defaults from a minimal environment', () => {
    const expected: Config = {
      slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined, apiUrl: undefined },
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'lightsail-reset',
      policy: { rules: [], fallback: DEFAULT_RULE },
      auditChannelId: undefined,
      polling: { intervalMs: 2_000, maxIntervalMs: 30_000, operationTimeoutMs: 1_800_000 },
      worker: { concurrency: 20, lockDurationMs: 10_000 },
      logLevel: 'info',
    };
    expect(loadConfig(MINIMAL)).toEqual(expected);
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      ...MINIMAL,
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      PORT: '8080',
      REDIS_URL: 'rediss://cache.internal:6380/2',
      QUEUE_PREFIX: '{lsr}.staging',
      APPROVER_USER_IDS: ' U123 , W456,',
      APPROVER_GROUP_IDS: 'S0SRE',
      REQUESTER_USER_IDS: 'U777',
      REQUESTER_GROUP_IDS: 'S0DEVS,S0QA',
      ALLOWED_CHANNEL_IDS: 'C111,G222,D333',
      ALLOW_SELF_APPROVAL: 'true',
      APPROVAL_TTL: '15m',
      REMIND_AFTER: '5m',
      RESET_COOLDOWN: '1h',
      BREAK_GLASS_USER_IDS: 'W999',
      BREAK_GLASS_GROUP_IDS: 'S0ONCALL',
      AUDIT_CHANNEL_ID: 'C0AUDIT',
      POLL_INTERVAL_MS: '500',
      POLL_MAX_INTERVAL_MS: '500',
      OPERATION_TIMEOUT: '2h',
      WORKER_CONCURRENCY: '5',
      WORKER_LOCK_DURATION: '30s',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      slack: { apiUrl: 'http://127.0.0.1:9999/api/' },
      port: 8080,
      redisUrl: 'rediss://cache.internal:6380/2',
      queuePrefix: '{lsr}.staging',
      policy: {
        rules: [],
        fallback: {
          name: 'default',
          resettable: true,
          approvers: { users: ['U123', 'W456'], groups: ['S0SRE'] },
          approvalsRequired: 1,
          requesters: { users: ['U777'], groups: ['S0DEVS', 'S0QA'] },
          channels: ['C111', 'G222', 'D333'],
          allowSelfApproval: true,
          ttlMs: 900_000,
          remindAfterMs: 300_000,
          cooldownMs: 3_600_000,
          breakGlass: { users: ['W999'], groups: ['S0ONCALL'] },
        },
      },
      auditChannelId: 'C0AUDIT',
      polling: { intervalMs: 500, maxIntervalMs: 500, operationTimeoutMs: 7_200_000 },
      worker: { concurrency: 5, lockDurationMs: 30_000 },
      logLevel: 'debug',
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['', false],
  ])('reads ALLOW_SELF_APPROVAL=%j as %s', (value, allowed) => {
    expect(loadConfig({ ...MINIMAL, ALLOW_SELF_APPROVAL: value }).policy.fallback.allowSelfApproval).toBe(
      allowed,
    );
  });

  it('needs no signing secret in Socket Mode', () => {
    const config = loadConfig({
      ...MINIMAL,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_APP_TOKEN: 'xapp-1-A1-abc',
    });
    expect(config.slack).toMatchObject({ appToken: 'xapp-1-A1-abc', signingSecret: undefined });
  });

  it('treats a blank SLACK_APP_TOKEN as unset', () => {
    expect(loadConfig({ ...MINIMAL, SLACK_APP_TOKEN: '  ' }).slack.appToken).toBeUndefined();
  });

  it.each([
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: undefined }],
    ['SLACK_BOT_TOKEN', { SLACK_BOT_TOKEN: 'xoxp-user-token' }],
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: undefined }],
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: '   ' }],
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: 'short' }],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }],
    ['SLACK_API_URL', { SLACK_API_URL: 'not a url' }],
    ['PORT', { PORT: 'http' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '-1' }],
    ['PORT', { PORT: '3000.5' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'has:colon' }],
    ['QUEUE_PREFIX', { QUEUE_PREFIX: 'has space' }],
    ['APPROVER_USER_IDS', { APPROVER_USER_IDS: undefined }],
    ['APPROVER_USER_IDS', { APPROVER_USER_IDS: ' , ' }],
    ['APPROVER_USER_IDS', { APPROVER_USER_IDS: 'alice' }],
    ['APPROVER_USER_IDS', { APPROVER_USER_IDS: 'U123,bob' }],
    ['APPROVER_USER_IDS', { APPROVER_USER_IDS: 'S0SRE' }],
    ['APPROVER_USER_IDS', { APPROVER_USER_IDS: 'C0OPS' }],
    ['APPROVER_GROUP_IDS', { APPROVER_GROUP_IDS: 'U123' }],
    ['APPROVER_GROUP_IDS', { APPROVER_GROUP_IDS: 'sre-team' }],
    ['REQUESTER_USER_IDS', { REQUESTER_USER_IDS: 'u123' }],
    ['REQUESTER_GROUP_IDS', { REQUESTER_GROUP_IDS: 'W456' }],
    ['ALLOWED_CHANNEL_IDS', { ALLOWED_CHANNEL_IDS: '#general' }],
    ['ALLOWED_CHANNEL_IDS', { ALLOWED_CHANNEL_IDS: 'S0SRE' }],
    ['BREAK_GLASS_USER_IDS', { BREAK_GLASS_USER_IDS: 'S0ONCALL' }],
    ['BREAK_GLASS_GROUP_IDS', { BREAK_GLASS_GROUP_IDS: 'U123' }],
    ['AUDIT_CHANNEL_ID', { AUDIT_CHANNEL_ID: 'U123' }],
    ['AUDIT_CHANNEL_ID', { AUDIT_CHANNEL_ID: '#audit' }],
    ['ALLOW_SELF_APPROVAL', { ALLOW_SELF_APPROVAL: 'maybe' }],
    ['APPROVAL_TTL', { APPROVAL_TTL: '30' }],
    ['APPROVAL_TTL', { APPROVAL_TTL: '1.5h' }],
    ['APPROVAL_TTL', { APPROVAL_TTL: '0s' }],
    ['REMIND_AFTER', { REMIND_AFTER: 'later' }],
    ['REMIND_AFTER', { REMIND_AFTER: '0m' }],
    ['RESET_COOLDOWN', { RESET_COOLDOWN: '10' }],
    ['POLL_INTERVAL_MS', { POLL_INTERVAL_MS: 'fast' }],
    ['POLL_INTERVAL_MS', { POLL_INTERVAL_MS: '0' }],
    ['POLL_MAX_INTERVAL_MS', { POLL_MAX_INTERVAL_MS: '-5' }],
    ['POLL_MAX_INTERVAL_MS', { POLL_INTERVAL_MS: '5000', POLL_MAX_INTERVAL_MS: '4999' }],
    ['OPERATION_TIMEOUT', { OPERATION_TIMEOUT: 'forever' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['WORKER_CONCURRENCY', { WORKER_CONCURRENCY: '0' }],
    ['WORKER_CONCURRENCY', { WORKER_CONCURRENCY: 'many' }],
    ['WORKER_LOCK_DURATION', { WORKER_LOCK_DURATION: 'soon' }],
  ])('refuses a bad or missing %s, naming it and pointing at npm run demo (%j)', (variable, change) => {
    const error = configError({ ...MINIMAL, ...change });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(variable);
    expect(error.message).toContain('npm run demo');
  });

  it('accepts POLL_MAX_INTERVAL_MS equal to POLL_INTERVAL_MS', () => {
    const config = loadConfig({ ...MINIMAL, POLL_INTERVAL_MS: '5000', POLL_MAX_INTERVAL_MS: '5000' });
    expect(config.polling).toMatchObject({ intervalMs: 5_000, maxIntervalMs: 5_000 });
  });

  it.each([
    ['a bad bot token', { SLACK_BOT_TOKEN: 'xoxp-2222-userSECRETvalue' }],
    ['a short signing secret', { SLACK_SIGNING_SECRET: 'SeCrEt7' }],
    ['a bad app token', { SLACK_APP_TOKEN: 'xoxb-3333-appSECRETvalue' }],
    ['another bad variable', { PORT: 'http' }],
    [
      'a signing secret that is not needed',
      { SLACK_APP_TOKEN: 'nope', SLACK_SIGNING_SECRET: SIGNING_SECRET },
    ],
  ])('never echoes a secret when refusing %s', (_what, change) => {
    const env: Env = { ...MINIMAL, ...change };
    const { message } = configError(env);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) {
      const secret = env[name];
      if (secret) expect(message).not.toContain(secret);
    }
  });

  it('never echoes arbitrary secrets, valid or not', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{20,40}$/);
    fc.assert(
      fc.property(secret, secret, fc.boolean(), (token, signing, validToken) => {
        const botToken = validToken ? `xoxb-${token}` : token;
        const { message } = configError({
          SLACK_BOT_TOKEN: botToken,
          SLACK_SIGNING_SECRET: signing,
          APPROVER_USER_IDS: 'nobody',
        });
        expect(message).not.toContain(token);
        expect(message).not.toContain(signing);
      }),
    );
  });

  it('never turns a blank PORT into port 0', () => {
    let port: number | 'refused';
    try {
      port = loadConfig({ ...MINIMAL, PORT: '' }).port;
    } catch {
      port = 'refused';
    }
    expect(port).not.toBe(0);
  });

  it('names every bad variable in one message', () => {
    const { message } = configError({ ...MINIMAL, PORT: 'http', APPROVER_USER_IDS: undefined });
    expect(message).toContain('PORT');
    expect(message).toContain('APPROVER_USER_IDS');
  });

  it('names every bad variable the schema refuses in one message', () => {
    const { message } = configError({ ...MINIMAL, PORT: 'http', APPROVER_USER_IDS: 'bob' });
    expect(message).toContain('PORT');
    expect(message).toContain('APPROVER_USER_IDS');
  });

  it.each([
    ['APPROVER_USER_IDS', 'U0ALICE,W0BOB', ['U0ALICE', 'W0BOB']],
    ['APPROVER_GROUP_IDS', 'S0SRE, S0DBA', ['S0SRE', 'S0DBA']],
    ['ALLOWED_CHANNEL_IDS', 'C0OPS,G0PRIVATE,D0DIRECT', ['C0OPS', 'G0PRIVATE', 'D0DIRECT']],
  ])('accepts Slack IDs of the right shape in %s', (variable, value, ids) => {
    const { fallback } = loadConfig({ ...MINIMAL, [variable]: value }).policy;
    expect([...fallback.approvers.users, ...fallback.approvers.groups, ...fallback.channels]).toEqual(
      expect.arrayContaining(ids),
    );
  });

  it('accepts approver groups without approver users', () => {
    const config = loadConfig({ ...MINIMAL, APPROVER_USER_IDS: undefined, APPROVER_GROUP_IDS: 'S0SRE' });
    expect(config.policy.fallback.approvers).toEqual({ users: [], groups: ['S0SRE'] });
  });

  it.each([
    ['neither approver variable is set', {}],
    ['both approver variables are blank', { APPROVER_USER_IDS: ' ', APPROVER_GROUP_IDS: ',' }],
  ])('refuses to start when %s and there is no POLICY_FILE, naming both variables', (_when, change) => {
    const { message } = configError({ ...MINIMAL, APPROVER_USER_IDS: undefined, ...change });
    expect(message).toContain('APPROVER_USER_IDS');
    expect(message).toContain('APPROVER_GROUP_IDS');
    expect(message).toContain('POLICY_FILE');
  });

  it('leaves break-glass off and the audit channel unset by default', () => {
    const config = loadConfig(MINIMAL);
    expect(config.policy.fallback.breakGlass).toEqual({ users: [], groups: [] });
    expect(config.auditChannelId).toBeUndefined();
  });

  it.each(['REMIND_AFTER', 'RESET_COOLDOWN', 'POLICY_FILE', 'AUDIT_CHANNEL_ID'])(
    'treats a blank %s as unset',
    (variable) => {
      const config = loadConfig({ ...MINIMAL, [variable]: '  ' });
      expect(config).toEqual(loadConfig(MINIMAL));
    },
  );
});

describe('loadConfig with POLICY_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-policy-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function policyFile(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('reads the rules of the file over the environment rule', () => {
    const path = policyFile(
      'team.yml',
      'default:\n  ttl: 10m\nrules:\n  - match: web-prod*\n    approvals: 2\n    approvers:\n      groups: [S0SRE]\n',
    );
    const { policy } = loadConfig({ ...MINIMAL, POLICY_FILE: path, REQUESTER_GROUP_IDS: 'S0DEVS' });
    const teamDefault = { ...DEFAULT_RULE, ttlMs: 600_000, requesters: { users: [], groups: ['S0DEVS'] } };
    expect(policy).toEqual({
      fallback: teamDefault,
      rules: [
        {
          patterns: ['web-prod*'],
          rule: {
            ...teamDefault,
            name: 'web-prod*',
            approvalsRequired: 2,
            approvers: { users: [], groups: ['S0SRE'] },
          },
        },
      ],
    });
  });

  it('needs no approver variables when the policy file names the approvers', () => {
    const path = policyFile('approvers.json', '{ "default": { "approvers": { "users": ["U0ALICE"] } } }');
    const { policy } = loadConfig({ ...MINIMAL, APPROVER_USER_IDS: undefined, POLICY_FILE: path });
    expect(policy.fallback.approvers).toEqual({ users: ['U0ALICE'], groups: [] });
  });

  it('refuses a policy file that leaves a resettable rule without approvers, naming the rule', () => {
    const path = policyFile('nobody.yml', 'rules:\n  - match: web-prod*\n');
    const { message } = configError({ ...MINIMAL, APPROVER_USER_IDS: undefined, POLICY_FILE: path });
    expect(message).toContain('POLICY_FILE');
    expect(message).toContain(path);
    expect(message).toContain('"default"');
  });

  it('turns a problem in the file into a ConfigError naming POLICY_FILE, the path and the line', () => {
    const path = policyFile('typo.yml', '# team policy\nrules:\n  - match: web-prod*\n    approvals: 0\n');
    const { message } = configError({ ...MINIMAL, POLICY_FILE: path });
    expect(message).toContain(`POLICY_FILE ${path} line 4: rules[0].approvals`);
  });

  it('turns a missing file into a ConfigError naming POLICY_FILE and the path', () => {
    const path = join(dir, 'missing.yml');
    const { message } = configError({ ...MINIMAL, POLICY_FILE: path });
    expect(message).toContain(`POLICY_FILE ${path}: cannot be read (ENOENT)`);
  });
});
