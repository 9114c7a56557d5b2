import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Policy, Rule } from '../../src/domain/policy.js';
import { loadPolicyFile, PolicyFileError, parsePolicy } from '../../src/policy-file.js';

const PATH = 'policies/lightsail.yml';
const MINUTE = 60_000;

/** The rule the environment variables describe; a policy file refines it. */
const ENVIRONMENT: Rule = {
  name: 'default',
  resettable: true,
  approvers: { users: ['U0ENVAPPR'], groups: [] },
  approvalsRequired: 1,
  requesters: { users: [], groups: [] },
  channels: [],
  allowSelfApproval: false,
  ttlMs: 30 * MINUTE,
  remindAfterMs: undefined,
  cooldownMs: undefined,
  breakGlass: { users: [], groups: [] },
};

const GOOD_YAML = `# Who may reset which distribution
default:
  approvers:
    users: [U0ALICE, W0BOB]
    groups: [S0SRE]
  ttl: 15m
  break_glass:
    groups: [S0ONCALL]
rules:
  - match: web-prod*
    approvals: 2
    channels: [C0OPS]
    remind_after: 5m
    cooldown: 1h
  - match: [docs, docs_?]
    approvers:
      users: [U0CAROL]
    allow_self_approval: true
  - match: legacy-*
    resettable: false
`;

const GOOD_JSON = JSON.stringify(
  {
    default: {
      approvers: { users: ['U0ALICE', 'W0BOB'], groups: ['S0SRE'] },
      ttl: '15m',
      break_glass: { groups: ['S0ONCALL'] },
    },
    rules: [
      { match: 'web-prod*', approvals: 2, channels: ['C0OPS'], remind_after: '5m', cooldown: '1h' },
      { match: ['docs', 'docs_?'], approvers: { users: ['U0CAROL'] }, allow_self_approval: true },
      { match: 'legacy-*', resettable: false },
    ],
  },
  null,
  2,
);

const TEAM_DEFAULT: Rule = {
  ...ENVIRONMENT,
  approvers: { users: ['U0ALICE', 'W0BOB'], groups: ['S0SRE'] },
  ttlMs: 15 * MINUTE,
  breakGlass: { users: [], groups: ['S0ONCALL'] },
};

const EXPECTED: Policy = {
  fallback: TEAM_DEFAULT,
  rules: [
    {
      patterns: ['web-prod*'],
      rule: {
        ...TEAM_DEFAULT,
        name: 'web-prod*',
        approvalsRequired: 2,
        channels: ['C0OPS'],
        remindAfterMs: 5 * MINUTE,
        cooldownMs: 60 * MINUTE,
      },
    },
    {
      patterns: ['docs', 'docs_?'],
      rule: {
        ...TEAM_DEFAULT,
        name: 'docs, docs_?',
        approvers: { users: ['U0CAROL'], groups: [] },
        allowSelfApproval: true,
      },
    },
    { patterns: ['legacy-*'], rule: { ...TEAM_DEFAULT, name: 'legacy-*', resettable: false } },
  ],
};

function parse(text: string, environment: Rule = ENVIRONMENT): Policy {
  return parsePolicy(text, PATH, environment);
}

function problemWith(text: string, environment: Rule = ENVIRONMENT): PolicyFileError {
  try {
    parse(text, environment);
  } catch (error) {
    if (error instanceof PolicyFileError) return error;
    throw error;
  }
  throw new Error(`expected a PolicyFileError for ${JSON.stringify(text)}`);
}

describe('parsePolicy', () => {
  it.each([
    ['YAML', GOOD_YAML],
    ['JSON', GOOD_JSON],
  ])(
    'reads a good %s policy: rules inherit from default, which inherits from the environment',
    (_format, text) => {
      expect(parse(text)).toEqual(EXPECTED);
    },
  );

  it.each([
    ['an empty file', ''],
    ['a file of comments', '# nothing decided yet\n'],
    ['an empty object', '{}'],
    ['an empty default and no rules', 'default: {}\nrules: []\n'],
  ])('makes %s the environment rule alone', (_what, text) => {
    expect(parse(text)).toEqual({ rules: [], fallback: ENVIRONMENT });
  });

  it('gives a rule that sets nothing but its pattern the default rule under its own name', () => {
    const policy = parse('default:\n  ttl: 5m\nrules:\n  - match: api\n');
    expect(policy.rules).toEqual([
      { patterns: ['api'], rule: { ...ENVIRONMENT, ttlMs: 5 * MINUTE, name: 'api' } },
    ]);
  });

  it('lets a rule override the default, and the default override the environment', () => {
    const policy = parse('default:\n  ttl: 10m\n  cooldown: 2m\nrules:\n  - match: api\n    ttl: 1h\n');
    expect(policy.fallback).toMatchObject({ ttlMs: 10 * MINUTE, cooldownMs: 2 * MINUTE });
    expect(policy.rules[0]?.rule).toMatchObject({ ttlMs: 60 * MINUTE, cooldownMs: 2 * MINUTE });
  });

  it('replaces a list of people as a whole rather than merging it with the inherited one', () => {
    const policy = parse('rules:\n  - match: api\n    approvers:\n      groups: [S0API]\n');
    expect(policy.rules[0]?.rule.approvers).toEqual({ users: [], groups: ['S0API'] });
  });

  it.each([
    ['a single pattern', 'match: web-prod*', ['web-prod*']],
    ['a flow list', 'match: [web-prod, web-prod-*]', ['web-prod', 'web-prod-*']],
    ['a block list', 'match:\n      - docs\n      - docs_?', ['docs', 'docs_?']],
  ])('reads %s under match', (_form, match, patterns) => {
    const policy = parse(`rules:\n  - ${match}\n`);
    expect(policy.rules[0]?.patterns).toEqual(patterns);
  });

  it.each([
    ['ttl', '500ms', 'ttlMs', 500],
    ['ttl', '30s', 'ttlMs', 30_000],
    ['ttl', '2d', 'ttlMs', 2 * 86_400_000],
    ['remind_after', '15m', 'remindAfterMs', 15 * MINUTE],
    ['cooldown', '1h', 'cooldownMs', 60 * MINUTE],
  ] as const)('reads %s: %s as %s %d', (field, text, key, ms) => {
    expect(parse(`rules:\n  - match: api\n    ${field}: ${text}\n`).rules[0]?.rule[key]).toBe(ms);
  });

  it.each([1, 2, 10])('reads a quorum of %d approvals from an approver group', (approvals) => {
    expect(
      parse(`rules:\n  - match: api\n    approvals: ${approvals}\n    approvers: { groups: [S0TEAM] }\n`)
        .rules[0]?.rule.approvalsRequired,
    ).toBe(approvals);
  });

  it('refuses a quorum that the listed approver users can never reach', () => {
    expect(() =>
      parse('rules:\n  - match: api\n    approvals: 3\n    approvers: { users: [U0ONE, U0TWO] }\n'),
    ).toThrow(/the rule "api" needs 3 approvals but names only 2 approvers/);
  });

  it('accepts a rule that is not resettable and names no approvers', () => {
    const environment = { ...ENVIRONMENT, resettable: false, approvers: { users: [], groups: [] } };
    expect(parse('rules:\n  - match: legacy-*\n', environment).rules[0]?.rule.resettable).toBe(false);
  });

  it('accepts a file that names every approver when the environment names none', () => {
    const environment = { ...ENVIRONMENT, approvers: { users: [], groups: [] } };
    const policy = parse('default:\n  approvers:\n    groups: [S0SRE]\n', environment);
    expect(policy.fallback.approvers).toEqual({ users: [], groups: ['S0SRE'] });
  });

  it.each([
    {
      what: 'a user that is not a Slack user ID',
      text: 'rules:\n  - match: web-prod*\n    approvers:\n      users: [bob]\n',
      line: 4,
      field: 'rules[0].approvers.users[0]',
      problem: /must be a Slack user ID/,
    },
    {
      what: 'a bad user further down a block list',
      text: 'rules:\n  - match: web-prod*\n    approvers:\n      users:\n        - U0ALICE\n        - bob\n',
      line: 6,
      field: 'rules[0].approvers.users[1]',
      problem: /must be a Slack user ID/,
    },
    {
      what: 'a user where a group belongs',
      text: 'default:\n  approvers:\n    groups: [U0ALICE]\n',
      line: 3,
      field: 'default.approvers.groups[0]',
      problem: /must be a Slack user group ID/,
    },
    {
      what: 'a channel name instead of an ID',
      text: 'rules:\n  - match: api\n  - match: web\n    channels: ["#ops"]\n',
      line: 4,
      field: 'rules[1].channels[0]',
      problem: /must be a Slack channel ID/,
    },
    {
      what: 'zero approvals',
      text: 'rules:\n  - match: web\n    approvals: 0\n',
      line: 3,
      field: 'rules[0].approvals',
      problem: /1/,
    },
    {
      what: 'more than ten approvals',
      text: 'rules:\n  - match: web\n    approvals: 11\n',
      line: 3,
      field: 'rules[0].approvals',
      problem: /10/,
    },
    {
      what: 'a fractional quorum',
      text: 'rules:\n  - match: web\n    approvals: 1.5\n',
      line: 3,
      field: 'rules[0].approvals',
      problem: /int/,
    },
    {
      what: 'a ttl that is not a duration',
      text: 'default:\n  approvals: 1\n  ttl: soon\n',
      line: 3,
      field: 'default.ttl',
      problem: /"soon" is not a duration/,
    },
    {
      what: 'a zero reminder delay',
      text: 'rules:\n  - match: web\n    remind_after: 0s\n',
      line: 3,
      field: 'rules[0].remind_after',
      problem: /"0s" is not a duration/,
    },
    {
      what: 'a cooldown without a unit',
      text: 'rules:\n  - match: web\n    cooldown: "10"\n',
      line: 3,
      field: 'rules[0].cooldown',
      problem: /not a duration/,
    },
    {
      what: 'a pattern with a slash',
      text: 'rules:\n  - match: api\n  - match: "web/prod"\n',
      line: 3,
      field: 'rules[1].match',
      problem: /letters, digits, - and _ with \* and \? as wildcards/,
    },
    {
      what: 'a bad pattern in a list',
      text: 'rules:\n  - match:\n      - web\n      - "web.prod"\n',
      line: 4,
      field: 'rules[0].match[1]',
      problem: /wildcards/,
    },
    {
      what: 'an empty match list',
      text: 'rules:\n  - match: []\n',
      line: 2,
      field: 'rules[0].match',
      problem: /.+/,
    },
    {
      what: 'a rule without match',
      text: 'rules:\n  - match: api\n  - approvals: 2\n',
      line: 3,
      field: 'rules[1].match',
      problem: /.+/,
    },
    {
      what: 'a resettable flag that is not a boolean',
      text: 'rules:\n  - match: legacy\n    resettable: "nope"\n',
      line: 3,
      field: 'rules[0].resettable',
      problem: /boolean/,
    },
    {
      what: 'a JSON file with zero approvals',
      text: '{\n  "rules": [\n    { "match": "web", "approvals": 0 }\n  ]\n}\n',
      line: 3,
      field: 'rules[0].approvals',
      problem: /1/,
    },
    {
      what: 'a list where the policy object belongs',
      text: '- match: web\n',
      line: 1,
      field: 'the file',
      problem: /object/,
    },
  ])('refuses $what, naming line $line and $field', ({ text, line, field, problem }) => {
    const { message } = problemWith(text);
    const where = `${PATH} line ${line}: ${field} `;
    expect(message.slice(0, where.length)).toBe(where);
    expect(message.slice(where.length)).toMatch(problem);
  });

  const TYPOS = [
    [
      'in a rule',
      'rules:\n  - match: web-prod*\n    aprovers:\n      users: [U0ALICE]\n',
      'rules[0]',
      'aprovers',
      3,
    ],
    ['at the top', 'rules: []\ndefualt:\n  ttl: 1h\n', 'the file', 'defualt', 2],
  ] as const;

  it.each(TYPOS)(
    'refuses a misspelt key %s, naming where it sits and the key',
    (_where, text, field, key) => {
      const { message } = problemWith(text);
      expect(message).toMatch(/^policies\/lightsail\.yml line \d+: /);
      expect(message).toContain(`: ${field} `);
      expect(message).toContain(`"${key}"`);
    },
  );

  it.each(TYPOS)('names the line of a misspelt key %s', (_where, text, _field, _key, line) => {
    expect(problemWith(text).message).toMatch(new RegExp(`^policies/lightsail\\.yml line ${line}: `));
  });

  it('refuses a file that is not YAML, naming the path and what is wrong', () => {
    const { message } = problemWith('default:\n  ttl: 1h\n rules: []\n');
    expect(message).toMatch(/^policies\/lightsail\.yml line \d+: /);
    expect(message).toMatch(/same column/);
  });

  it.each([
    ['a mis-indented key', 'default:\n  ttl: 1h\n rules: []\n', 3],
    ['an unclosed quote', '# policy\nrules:\n  - match: web\n    ttl: "1h\n', 5],
    ['an unclosed flow map', 'rules:\n  - match: web\n    approvers: {users: [U0ALICE]\n', 4],
  ])('names the line of a YAML syntax error: %s', (_what, text, line) => {
    expect(problemWith(text).message).toMatch(new RegExp(`^policies/lightsail\\.yml line ${line}: `));
  });

  it.each([
    ['the default', 'default:\n  approvers:\n    users: []\n', 'default'],
    [
      'a rule',
      'rules:\n  - match: api\n  - match: [web-prod*, web-eu]\n    approvers: {users: []}\n',
      'web-prod*, web-eu',
    ],
  ])('refuses %s that allows resets but names no approvers, naming the rule', (_which, text, rule) => {
    const { message } = problemWith(text);
    expect(message).toContain(PATH);
    expect(message).toContain(`"${rule}"`);
    expect(message).toMatch(/names no approvers/);
  });

  it('refuses a file that names no approvers when the environment names none either', () => {
    const environment = { ...ENVIRONMENT, approvers: { users: [], groups: [] } };
    expect(problemWith('rules:\n  - match: api\n    approvals: 2\n', environment).message).toContain(
      '"default"',
    );
  });
});

describe('loadPolicyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-file-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['policy.yml', GOOD_YAML],
    ['policy.json', GOOD_JSON],
  ])('loads %s from disk', (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    expect(loadPolicyFile(path, ENVIRONMENT)).toEqual(EXPECTED);
  });

  it('names the file it read in a problem with it', () => {
    const path = join(dir, 'bad.yml');
    writeFileSync(path, 'rules:\n  - match: web\n    ttl: soon\n');
    expect(() => loadPolicyFile(path, ENVIRONMENT)).toThrow(
      new PolicyFileError(`${path} line 3: rules[0].ttl "soon" is not a duration like 30s, 15m or 1h`),
    );
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.yml'), 'ENOENT'],
    [
      'a directory',
      () => {
        const path = join(dir, 'a-directory');
        mkdirSync(path, { recursive: true });
        return path;
      },
      'EISDIR',
    ],
  ])('refuses %s, naming the path and why it cannot be read', (_what, makePath, code) => {
    const path = makePath();
    let error: unknown;
    try {
      loadPolicyFile(path, ENVIRONMENT);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyFileError);
    expect((error as Error).message).toBe(`${path}: cannot be read (${code})`);
  });
});
