import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { MAX_DISTRIBUTION_NAME_LENGTH } from './domain/distribution-name.js';
import { DurationSchema } from './domain/duration.js';
import type { Policy, Rule } from './domain/policy.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

const PeopleSchema = z
  .object({
    users: z
      .array(z.string().regex(USER_ID, { error: 'must be a Slack user ID like U0123ABCD' }))
      .default([]),
    groups: z
      .array(z.string().regex(GROUP_ID, { error: 'must be a Slack user group ID like S0123ABCD' }))
      .default([]),
  })
  .strict();

const Pattern = z
  .string()
  .min(1)
  .max(MAX_DISTRIBUTION_NAME_LENGTH)
  .regex(/^[\w*?-]+$/, { error: 'a pattern uses letters, digits, - and _ with * and ? as wildcards' });

const RuleFieldsSchema = z
  .object({
    resettable: z.boolean().optional(),
    approvers: PeopleSchema.optional(),
    approvals: z.number().int().min(1).max(10).optional(),
    requesters: PeopleSchema.optional(),
    channels: z
      .array(z.string().regex(CHANNEL_ID, { error: 'must be a Slack channel ID like C0123ABCD' }))
      .optional(),
    allow_self_approval: z.boolean().optional(),
    ttl: DurationSchema.optional(),
    remind_after: DurationSchema.optional(),
    cooldown: DurationSchema.optional(),
    break_glass: PeopleSchema.optional(),
  })
  .strict();

const PolicyFileSchema = z
  .object({
    default: RuleFieldsSchema.optional(),
    rules: z
      .array(RuleFieldsSchema.extend({ match: z.union([Pattern, z.array(Pattern).min(1)]) }).strict())
      .default([]),
  })
  .strict();

type RuleFields = z.infer<typeof RuleFieldsSchema>;

export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

/** Applies a rule's fields over a base rule: what a rule does not say, it inherits. */
function overlay(base: Rule, fields: RuleFields, name: string): Rule {
  return {
    name,
    resettable: fields.resettable ?? base.resettable,
    approvers: fields.approvers ?? base.approvers,
    approvalsRequired: fields.approvals ?? base.approvalsRequired,
    requesters: fields.requesters ?? base.requesters,
    channels: fields.channels ?? base.channels,
    allowSelfApproval: fields.allow_self_approval ?? base.allowSelfApproval,
    ttlMs: fields.ttl ?? base.ttlMs,
    remindAfterMs: fields.remind_after ?? base.remindAfterMs,
    cooldownMs: fields.cooldown ?? base.cooldownMs,
    breakGlass: fields.break_glass ?? base.breakGlass,
  };
}

/** Parses a policy (YAML or JSON) over the environment's rule; a problem names the file and its line. */
export function parsePolicy(text: string, path: string, environmentRule: Rule): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first ? lines.linePos(first.pos[0]).line : 1;
    throw new PolicyFileError(
      `${path} line ${line}: ${first?.message.split('\n')[0] ?? 'not valid YAML or JSON'}`,
    );
  }
  const parsed = PolicyFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // An unknown key is reported on its parent; point at the key itself.
    const issuePath =
      issue?.code === 'unrecognized_keys' && issue.keys[0]
        ? [...issue.path, issue.keys[0]]
        : (issue?.path ?? []);
    const where = lineOf(doc.contents, issuePath, lines);
    const field = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
    throw new PolicyFileError(
      `${path} line ${where}: ${field.replace(/^\./, '') || 'the file'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const fallback = overlay(environmentRule, parsed.data.default ?? {}, 'default');
  const rules = parsed.data.rules.map(({ match, ...fields }) => {
    const patterns = Array.isArray(match) ? match : [match];
    return { patterns, rule: overlay(fallback, fields, patterns.join(', ')) };
  });
  const policy: Policy = { rules, fallback };
  for (const rule of [fallback, ...rules.map((r) => r.rule)]) {
    if (rule.resettable && rule.approvers.users.length + rule.approvers.groups.length === 0) {
      throw new PolicyFileError(
        `${path}: the rule "${rule.name}" allows resets but names no approvers (set approvers, or APPROVER_USER_IDS / APPROVER_GROUP_IDS)`,
      );
    }
    const possible = rule.approvers.users.length;
    if (rule.resettable && rule.approvers.groups.length === 0 && rule.approvalsRequired > possible) {
      throw new PolicyFileError(
        `${path}: the rule "${rule.name}" needs ${rule.approvalsRequired} approvals but names only ${possible} approver${possible === 1 ? '' : 's'}`,
      );
    }
  }
  return policy;
}

export function loadPolicyFile(path: string, environmentRule: Rule): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyFileError(
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return parsePolicy(text, path, environmentRule);
}

/** The line of the deepest node along `path` that exists in the document. */
function lineOf(root: unknown, path: ReadonlyArray<PropertyKey>, lines: LineCounter): number {
  type Ranged = { range?: [number, number, number] };
  let node = root as Node | undefined;
  let offset = (node as Ranged | undefined)?.range?.[0] ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown })?.value) === String(key),
      );
      if (!pair) break;
      offset = (pair.key as Ranged).range?.[0] ?? offset;
      node = pair.value as Node | undefined;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)] as Node | undefined;
      if (!item) break;
      offset = (item as Ranged).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lines.linePos(offset).line;
}
