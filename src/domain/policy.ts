/** Slack users and user groups named by ID; an empty set means "nobody" or "anyone" by context. */
export interface People {
  users: readonly string[];
  groups: readonly string[];
}

/** What a team decided for a set of distributions: who asks, who approves, how many, where, how often. */
export interface Rule {
  /** The pattern that chose this rule, or "default" for the environment's rule. */
  name: string;
  /** May this distribution be reset from Slack at all? */
  resettable: boolean;
  approvers: People;
  /** Distinct approvals needed before the reset runs. */
  approvalsRequired: number;
  /** Who may ask; nobody listed means anyone. */
  requesters: People;
  /** Where the command works; none listed means any channel. */
  channels: readonly string[];
  allowSelfApproval: boolean;
  ttlMs: number;
  remindAfterMs: number | undefined;
  cooldownMs: number | undefined;
  /** Who may reset without approval (with a reason); nobody listed means break-glass is off. */
  breakGlass: People;
}

export interface Policy {
  /** Checked in order; the first whose patterns match the name wins. */
  rules: ReadonlyArray<{ patterns: readonly string[]; rule: Rule }>;
  fallback: Rule;
}

/** Members of the user groups a decision depends on, as looked up just before it. */
export type GroupMembers = ReadonlyMap<string, ReadonlySet<string>>;

export type Verdict = { allowed: true } | { allowed: false; reason: string };
const ALLOWED: Verdict = { allowed: true };

/** Globs over distribution names: `*` any run of characters, `?` one character; the rest literal. */
export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(name);
}

export function ruleFor(policy: Policy, distributionName: string): Rule {
  const match = policy.rules.find((entry) => entry.patterns.some((p) => globMatches(p, distributionName)));
  return match?.rule ?? policy.fallback;
}

export function isAmong(people: People, userId: string, members: GroupMembers): boolean {
  return (
    people.users.includes(userId) || people.groups.some((group) => members.get(group)?.has(userId) ?? false)
  );
}

export function isEmpty(people: People): boolean {
  return people.users.length === 0 && people.groups.length === 0;
}

/** Every group the rule's decisions could depend on, to look up before deciding. */
export function groupsOf(rule: Rule): string[] {
  return [...new Set([...rule.approvers.groups, ...rule.requesters.groups, ...rule.breakGlass.groups])];
}

/** Slack mentions of a set of people: `<@U…>` for users, `<!subteam^S…>` for groups. */
export function mentionPeople(people: People): string {
  const mentions = [
    ...people.users.map((id) => `<@${id}>`),
    ...people.groups.map((id) => `<!subteam^${id}>`),
  ];
  return mentions.join(', ') || 'nobody (no approvers are configured)';
}

/** May this person ask for a reset of this distribution in this channel? */
export function mayRequest(rule: Rule, userId: string, channelId: string, members: GroupMembers): Verdict {
  if (!rule.resettable) {
    return {
      allowed: false,
      reason: 'This distribution may not be reset from Slack (the team policy says so).',
    };
  }
  if (rule.channels.length > 0 && !rule.channels.includes(channelId)) {
    return {
      allowed: false,
      reason: `Cache resets of this distribution can't be requested in this channel. Use ${rule.channels.map((id) => `<#${id}>`).join(', ')}.`,
    };
  }
  if (!isEmpty(rule.requesters) && !isAmong(rule.requesters, userId, members)) {
    return {
      allowed: false,
      reason: `You are not among the people who may request this reset (${mentionPeople(rule.requesters)}). Ask one of them.`,
    };
  }
  return ALLOWED;
}

/** May this person approve or deny a request under this rule? (Both decisions need the same right.) */
export function mayDecide(
  rule: Rule,
  userId: string,
  request: { requesterId: string; approvals: readonly string[] },
  members: GroupMembers,
  decision: 'approve' | 'deny' = 'approve',
): Verdict {
  if (!isAmong(rule.approvers, userId, members)) {
    return {
      allowed: false,
      reason: `Only ${mentionPeople(rule.approvers)} can approve or deny this reset. Nothing was changed.`,
    };
  }
  if (userId === request.requesterId && !rule.allowSelfApproval) {
    return {
      allowed: false,
      reason: 'You asked for this reset, so someone else has to approve it. Nothing was changed.',
    };
  }
  // Counting once per person is about approvals; someone who approved may still deny.
  if (decision === 'approve' && request.approvals.includes(userId)) {
    return {
      allowed: false,
      reason:
        'You have already approved this request; another approver has to add theirs. Nothing was changed.',
    };
  }
  return ALLOWED;
}

export function mayCancel(userId: string, request: { requesterId: string }): Verdict {
  return userId === request.requesterId
    ? ALLOWED
    : { allowed: false, reason: 'Only the person who asked can cancel this request. Nothing was changed.' };
}

/** May this person reset without approval? Needs a break-glass right and a reason. */
export function mayBreakGlass(rule: Rule, userId: string, reason: string, members: GroupMembers): Verdict {
  if (isEmpty(rule.breakGlass)) {
    return {
      allowed: false,
      reason: 'Break-glass resets are turned off for this distribution. Ask for an approval instead.',
    };
  }
  if (!isAmong(rule.breakGlass, userId, members)) {
    return {
      allowed: false,
      reason: `Only ${mentionPeople(rule.breakGlass)} may reset without approval. Ask for an approval instead (leave out --now).`,
    };
  }
  if (reason.trim().length < 3) {
    return {
      allowed: false,
      reason: 'A break-glass reset needs a reason: `/lightsail-reset <name> --now <why>`.',
    };
  }
  return ALLOWED;
}

/** Time left in a cooldown, or undefined when the distribution may be reset now. */
export function cooldownLeft(rule: Rule, lastSuccessAt: number | undefined, now: number): number | undefined {
  if (rule.cooldownMs === undefined || lastSuccessAt === undefined) return undefined;
  const left = lastSuccessAt + rule.cooldownMs - now;
  return left > 0 ? left : undefined;
}
