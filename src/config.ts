import { z } from 'zod';
import { DurationSchema } from './domain/duration.js';
import type { Policy, Rule } from './domain/policy.js';
import { loadPolicyFile, PolicyFileError } from './policy-file.js';

const ID_SHAPES = {
  user: /^[UW][A-Z0-9]{2,}$/,
  group: /^S[A-Z0-9]{2,}$/,
  channel: /^[CGD][A-Z0-9]{2,}$/,
} as const;

const idList = (what: keyof typeof ID_SHAPES) =>
  z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    )
    .pipe(z.array(z.string().regex(ID_SHAPES[what], { error: `each entry must be a Slack ${what} ID` })));

const duration = (fallback: string) => z.string().default(fallback).pipe(DurationSchema);

// Unset or blank means "off" (REMIND_AFTER, RESET_COOLDOWN).
const optionalDuration = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  DurationSchema.optional(),
);

const milliseconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { error: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const EnvSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is required: the bot token (xoxb-...) from your Slack app' })
      .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' }),
    SLACK_SIGNING_SECRET: z.preprocess(blankAsUndefined, z.string().min(8).optional()),
    SLACK_APP_TOKEN: z.preprocess(
      blankAsUndefined,
      z.string().startsWith('xapp-', { error: 'must be an app-level token starting with xapp-' }).optional(),
    ),
    SLACK_API_URL: z.preprocess(blankAsUndefined, z.url({ error: 'must be a URL' }).optional()),
    PORT: z
      .preprocess(
        blankAsUndefined,
        z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).optional(),
      )
      .transform((port) => port ?? 3000),
    REDIS_URL: z
      .string()
      .default('redis://127.0.0.1:6379')
      .refine((url) => /^rediss?:\/\//.test(url), { error: 'must start with redis:// or rediss://' }),
    QUEUE_PREFIX: z
      .string()
      .default('lightsail-reset')
      .refine((prefix) => /^[\w{}.-]+$/.test(prefix), { error: 'may hold letters, digits, _ - . { } only' }),
    APPROVER_USER_IDS: idList('user'),
    APPROVER_GROUP_IDS: idList('group'),
    ALLOW_SELF_APPROVAL: flag,
    REQUESTER_USER_IDS: idList('user'),
    REQUESTER_GROUP_IDS: idList('group'),
    ALLOWED_CHANNEL_IDS: idList('channel'),
    APPROVAL_TTL: duration('30m'),
    REMIND_AFTER: optionalDuration,
    RESET_COOLDOWN: optionalDuration,
    POLICY_FILE: z.preprocess(blankAsUndefined, z.string().optional()),
    BREAK_GLASS_USER_IDS: idList('user'),
    BREAK_GLASS_GROUP_IDS: idList('group'),
    AUDIT_CHANNEL_ID: z.preprocess(
      blankAsUndefined,
      z.string().regex(ID_SHAPES.channel, { error: 'must be a Slack channel ID like C0123ABCD' }).optional(),
    ),
    POLL_INTERVAL_MS: milliseconds(2000),
    POLL_MAX_INTERVAL_MS: milliseconds(30000),
    OPERATION_TIMEOUT: duration('30m'),
    WORKER_CONCURRENCY: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(1)
      .max(500)
      .default(20),
    WORKER_LOCK_DURATION: duration('10s'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.POLL_MAX_INTERVAL_MS < env.POLL_INTERVAL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['POLL_MAX_INTERVAL_MS'],
        message: 'must be at least POLL_INTERVAL_MS',
      });
    }
  });

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
  };
  port: number;
  redisUrl: string;
  queuePrefix: string;
  /** Who may ask and approve, per distribution: the environment's rule, refined by POLICY_FILE. */
  policy: Policy;
  auditChannelId: string | undefined;
  polling: { intervalMs: number; maxIntervalMs: number; operationTimeoutMs: number };
  worker: { concurrency: number; lockDurationMs: number };
  logLevel: string;
}

const NO_APPROVERS =
  'APPROVER_USER_IDS or APPROVER_GROUP_IDS must name at least one approver (comma-separated Slack IDs, like U01ABC,U02DEF), or POLICY_FILE must';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the environment into a typed Config, or throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const needsSigningSecret =
    !blankAsUndefined(env.SLACK_APP_TOKEN) && !blankAsUndefined(env.SLACK_SIGNING_SECRET);
  if (!parsed.success || needsSigningSecret) {
    const problems = (parsed.error?.issues ?? []).map(
      (issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`,
    );
    const noApprovers = [env.APPROVER_USER_IDS, env.APPROVER_GROUP_IDS, env.POLICY_FILE].every(
      (v) => !blankAsUndefined(v),
    );
    if (noApprovers) {
      problems.push(NO_APPROVERS);
    }
    if (needsSigningSecret) {
      problems.push(
        'SLACK_SIGNING_SECRET is required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)',
      );
    }
    throw new ConfigError(
      `Configuration error: ${problems.join('; ')}. See .env.example; to try the bot without Slack or AWS, run \`npm run demo\`.`,
    );
  }
  const e = parsed.data;
  const environmentRule: Rule = {
    name: 'default',
    resettable: true,
    approvers: { users: e.APPROVER_USER_IDS, groups: e.APPROVER_GROUP_IDS },
    approvalsRequired: 1,
    requesters: { users: e.REQUESTER_USER_IDS, groups: e.REQUESTER_GROUP_IDS },
    channels: e.ALLOWED_CHANNEL_IDS,
    allowSelfApproval: e.ALLOW_SELF_APPROVAL,
    ttlMs: e.APPROVAL_TTL,
    remindAfterMs: e.REMIND_AFTER,
    cooldownMs: e.RESET_COOLDOWN,
    breakGlass: { users: e.BREAK_GLASS_USER_IDS, groups: e.BREAK_GLASS_GROUP_IDS },
  };
  let policy: Policy = { rules: [], fallback: environmentRule };
  if (e.POLICY_FILE) {
    try {
      policy = loadPolicyFile(e.POLICY_FILE, environmentRule);
    } catch (error) {
      if (error instanceof PolicyFileError) {
        throw new ConfigError(`Configuration error: POLICY_FILE ${error.message}. See examples/policy.yml.`);
      }
      throw error;
    }
  } else if (e.APPROVER_USER_IDS.length + e.APPROVER_GROUP_IDS.length === 0) {
    throw new ConfigError(
      `Configuration error: ${NO_APPROVERS}. See .env.example; to try the bot without Slack or AWS, run \`npm run demo\`.`,
    );
  }
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    policy,
    auditChannelId: e.AUDIT_CHANNEL_ID,
    polling: {
      intervalMs: e.POLL_INTERVAL_MS,
      maxIntervalMs: e.POLL_MAX_INTERVAL_MS,
      operationTimeoutMs: e.OPERATION_TIMEOUT,
    },
    worker: { concurrency: e.WORKER_CONCURRENCY, lockDurationMs: e.WORKER_LOCK_DURATION },
    logLevel: e.LOG_LEVEL,
  };
}
