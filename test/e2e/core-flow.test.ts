import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import { DEMO_PEOPLE, type LocalStand, STAND_SIGNING_SECRET } from '../../src/local/local-stand.js';
import { postToSlackEndpoint, slashCommandBody } from '../../src/local/slack-requests.js';
import { cardIn, cardText, resetCalls, sleep, startStand } from '../support/stand.js';

const { requester, approver, secondApprover, bystander } = DEMO_PEOPLE;

describe('the built app, driven by signed Slack requests', () => {
  let stand: LocalStand;

  beforeAll(async () => {
    stand = await startStand({
      extraDistributions: [
        'e2e-happy',
        'e2e-deny',
        'e2e-race',
        'e2e-self',
        'e2e-outsider',
        'e2e-failing',
        'e2e-cancel',
      ],
    });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('acks the command, posts a card, and after approval resets once and reports in the thread', async () => {
    const channel = 'C0HAPPY';
    const ack = await stand.command('e2e-happy', requester, channel);
    expect(ack.status).toBe(200);
    const { card, requestId } = await cardIn(stand, channel);
    expect(card.text).toContain('e2e-happy');
    expect(cardText(stand, channel, card.ts)).toContain('*Origin:* e2e-happy-origin');
    expect(cardText(stand, channel, card.ts)).toContain(`<@${requester}>`);
    expect(cardText(stand, channel, card.ts)).toContain(ACTION_IDS.approve);

    const click = await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    expect(click.status).toBe(200);
    const final = await stand.slack.waitFor(() =>
      stand.slack.thread(channel, card.ts).find((m) => /Succeeded/.test(m.text ?? '')),
    );
    expect(final.text).toContain(`<@${requester}>`);
    const thread = stand.slack.thread(channel, card.ts).map((m) => m.text ?? '');
    expect(thread[0]).toMatch(/Reset started\. Lightsail operation `[0-9a-f-]{36}`/);
    await stand.slack.waitFor(() => /succeeded/.test(cardText(stand, channel, card.ts)));
    expect(cardText(stand, channel, card.ts)).toContain(`Approved by:* <@${approver}>`);
    expect(cardText(stand, channel, card.ts)).not.toContain(ACTION_IDS.approve);
    expect(resetCalls(stand, 'e2e-happy')).toHaveLength(1);
    expect(resetCalls(stand, 'e2e-happy')[0]?.region).toBe('us-east-1');
    // Machine-readable state for other apps and workflows, kept current with each edit of the card.
    expect(stand.slack.message(channel, card.ts)?.metadata).toMatchObject({
      event_type: 'lightsail_reset_request',
      event_payload: { request_id: requestId, distribution: 'e2e-happy', state: 'succeeded', requester },
    });

    // The request's story in the logs: every worker line names the request, and the operation once started.
    const operationId = /Lightsail operation `([0-9a-f-]{36})`/.exec(thread[0] ?? '')?.[1];
    const story = (stand.app?.output ?? '')
      .split('\n')
      .filter((line) => line.includes(`"requestId":"${requestId}"`))
      .map((line) => JSON.parse(line) as { msg: string; operationId?: string; jobId?: string });
    const afterStart = story.slice(story.findIndex((l) => l.msg === 'reset started'));
    expect(afterStart.length).toBeGreaterThan(1);
    for (const line of afterStart) expect(line.operationId).toBe(operationId);
  });

  it('refuses a click by someone who is not an approver, and changes nothing', async () => {
    const channel = 'C0OUTSIDE';
    await stand.command('e2e-outsider', requester, channel);
    const { card, requestId } = await cardIn(stand, channel);
    const click = await stand.click(ACTION_IDS.approve, requestId, bystander, card.ts, channel);
    expect(click.status).toBe(200);
    const [reply] = await stand.slack.waitFor(() => {
      const replies = stand.responsesTo(click.responseId);
      return replies.length > 0 ? replies : undefined;
    });
    expect(reply).toMatch(/Only <@U0APPROVE>, <@U0APPROV2> can approve/);
    await sleep(300);
    expect(cardText(stand, channel, card.ts)).toContain(ACTION_IDS.approve);
    expect(resetCalls(stand, 'e2e-outsider')).toHaveLength(0);
  });

  it('refuses a self-approval by an approver who asked', async () => {
    const channel = 'C0SELF';
    await stand.command('e2e-self', approver, channel);
    const { card, requestId } = await cardIn(stand, channel);
    const click = await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    const [reply] = await stand.slack.waitFor(() => {
      const replies = stand.responsesTo(click.responseId);
      return replies.length > 0 ? replies : undefined;
    });
    expect(reply).toMatch(/someone else has to approve/);
    await sleep(300);
    expect(resetCalls(stand, 'e2e-self')).toHaveLength(0);
    expect(cardText(stand, channel, card.ts)).toContain('waiting for approval');
  });

  it('denies: the card says who denied, nothing is queued, later clicks are told who decided', async () => {
    const channel = 'C0DENY';
    await stand.command('e2e-deny', requester, channel);
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.deny, requestId, approver, card.ts, channel);
    const dialog = await stand.slack.waitFor(() => stand.slack.openedViews.at(-1));
    expect(dialog.view.private_metadata).toBe(requestId);
    const submitted = await stand.submitDenyReason(requestId, approver, 'Deploy freeze <!channel>');
    expect(submitted.status).toBe(200);
    await stand.slack.waitFor(() => /denied by/.test(cardText(stand, channel, card.ts)));
    expect(cardText(stand, channel, card.ts)).toContain('Deploy freeze &lt;!channel&gt;');
    const late = await stand.click(ACTION_IDS.approve, requestId, secondApprover, card.ts, channel);
    const [reply] = await stand.slack.waitFor(() => {
      const replies = stand.responsesTo(late.responseId);
      return replies.length > 0 ? replies : undefined;
    });
    expect(reply).toMatch(/<@U0APPROVE> already denied/);
    expect(stand.slack.thread(channel, card.ts).map((m) => m.text)).toEqual([
      expect.stringMatching(/denied the cache reset.*Reason: `Deploy freeze &lt;!channel&gt;`/),
    ]);
    await sleep(300);
    expect(resetCalls(stand, 'e2e-deny')).toHaveLength(0);
  });

  it('lets the requester cancel a pending request', async () => {
    const channel = 'C0CANCEL';
    await stand.command('e2e-cancel', requester, channel);
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.cancel, requestId, requester, card.ts, channel);
    await stand.slack.waitFor(() => /cancelled by/.test(cardText(stand, channel, card.ts)));
    expect(resetCalls(stand, 'e2e-cancel')).toHaveLength(0);
  });

  it('turns ten concurrent Approve clicks into exactly one ResetDistributionCache', async () => {
    const channel = 'C0RACE';
    await stand.command('e2e-race', requester, channel);
    const { card, requestId } = await cardIn(stand, channel);
    const clicks = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stand.click(ACTION_IDS.approve, requestId, i % 2 ? approver : secondApprover, card.ts, channel),
      ),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    await stand.slack.waitFor(() =>
      stand.slack.thread(channel, card.ts).find((m) => /Succeeded/.test(m.text ?? '')),
    );
    const told = await stand.slack.waitFor(() => {
      const replies = clicks.flatMap((c) => stand.responsesTo(c.responseId));
      return replies.length >= 9 ? replies : undefined;
    });
    expect(told.filter((t) => /already approved/.test(t))).toHaveLength(9);
    expect(resetCalls(stand, 'e2e-race')).toHaveLength(1);
    expect(
      stand.slack.thread(channel, card.ts).filter((m) => /Reset started/.test(m.text ?? '')),
    ).toHaveLength(1);
  });

  it("reports a Failed operation with Lightsail's error code and details", async () => {
    const channel = 'C0FAILING';
    stand.lightsail.setOperationScript((name) =>
      name === 'e2e-failing'
        ? { statuses: ['Started', 'Failed'], errorCode: 'InternalFailure', errorDetails: 'origin timed out' }
        : { statuses: ['Started', 'Started', 'Succeeded'] },
    );
    await stand.command('e2e-failing', requester, channel);
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    const final = await stand.slack.waitFor(() =>
      stand.slack.thread(channel, card.ts).find((m) => /Failed/.test(m.text ?? '')),
    );
    expect(final.text).toMatch(/InternalFailure: origin timed out/);
    await stand.slack.waitFor(() => /failed/.test(cardText(stand, channel, card.ts)));
  });

  it.each([
    ['web prod', /without spaces/],
    ['../etc/passwd', /letters, digits/],
    ['a/b', /letters, digits/],
    ['x'.repeat(300), /at most 255/],
    ['wéb-prod', /plain ASCII/],
    ['web-prod;rm -rf /', /without spaces/],
    ['$(reboot)', /letters, digits/],
    ['<!channel>', /letters, digits/],
    ['*bold*', /letters, digits/],
    ['-web', /letters, digits/],
  ])(
    'answers the bad name %j privately with the usage, posting and resetting nothing',
    async (text, problem) => {
      const before = {
        posts: stand.slack.callsOf('chat.postMessage').length,
        lightsail: stand.lightsail.calls.length,
      };
      const ack = await stand.command(text, requester, 'C0BADNAME');
      expect(ack.status).toBe(200);
      const body = JSON.parse(ack.body) as { response_type: string; text: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(problem);
      expect(body.text).toContain('/lightsail-reset <distribution-name>');
      expect(body.text).not.toContain('<!channel>');
      await sleep(100);
      expect(stand.slack.callsOf('chat.postMessage').length).toBe(before.posts);
      expect(stand.lightsail.calls.length).toBe(before.lightsail);
    },
  );

  it('refuses an unknown distribution before any card is posted', async () => {
    const posts = stand.slack.callsOf('chat.postMessage').length;
    const ack = await stand.command('no-such-dist', requester, 'C0UNKNOWN');
    expect(ack.status).toBe(200);
    const [reply] = await stand.slack.waitFor(() => {
      const replies = stand.responsesTo(ack.responseId);
      return replies.length > 0 ? replies : undefined;
    });
    expect(reply).toMatch(/no Lightsail distribution named `no-such-dist`/);
    expect(stand.slack.callsOf('chat.postMessage').length).toBe(posts);
    expect(resetCalls(stand, 'no-such-dist')).toHaveLength(0);
  });

  it('suggests the closest names for a typo, and a suggestion button asks for that one', async () => {
    const ack = await stand.command('e2e-hapy', requester, 'C0TYPO');
    const response = await stand.slack.waitFor(() =>
      stand.slack.responses.find((r) => r.id === ack.responseId),
    );
    expect(String(response.body.text)).toMatch(
      /no Lightsail distribution named `e2e-hapy`\. Did you mean `e2e-happy`/,
    );
    expect(stand.slack.messages('C0TYPO')).toHaveLength(0);
    const click = await stand.click('suggested_reset_0', 'e2e-happy', requester, '1.1', 'C0TYPO');
    expect(click.status).toBe(200);
    const { card } = await cardIn(stand, 'C0TYPO');
    expect(card.text).toContain('e2e-happy');
  });

  it('tells the requester to invite the bot when it is not in the channel', async () => {
    stand.slack.setNotInChannel('C0PRIVATE');
    const ack = await stand.command('web-staging', requester, 'C0PRIVATE');
    const [reply] = await stand.slack.waitFor(() => {
      const replies = stand.responsesTo(ack.responseId);
      return replies.length > 0 ? replies : undefined;
    });
    expect(reply).toMatch(/\/invite @lightsail-reset/);
  });

  it('answers help privately', async () => {
    const ack = await stand.command('help', requester, 'C0HELP');
    expect(JSON.parse(ack.body).text).toMatch(/Usage/);
  });

  it.each([
    ['a wrong signature', 'not-the-secret', undefined],
    ['a timestamp older than five minutes', STAND_SIGNING_SECRET, Math.floor(Date.now() / 1000) - 6 * 60],
  ])('answers a request with %s with 401 and does nothing', async (_label, secret, timestamp) => {
    const posts = stand.slack.calls.length;
    const lightsail = stand.lightsail.calls.length;
    const body = slashCommandBody({
      text: 'web-prod',
      userId: requester,
      channelId: 'C0FORGED',
      responseUrl: stand.slack.responseUrl('forged'),
    });
    const res = await postToSlackEndpoint(stand.eventsUrl, body, secret, timestamp ? { timestamp } : {});
    expect(res.status).toBe(401);
    await sleep(200);
    expect(stand.slack.calls.length).toBe(posts);
    expect(stand.lightsail.calls.length).toBe(lightsail);
    expect(stand.responsesTo('forged')).toEqual([]);
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const base = `http://127.0.0.1:${stand.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('lightsail_reset_requests_total');
    expect(metrics).toContain('process_cpu_seconds_total');
  });
});

describe('ALLOW_SELF_APPROVAL=true', () => {
  let stand: LocalStand;
  beforeAll(async () => {
    stand = await startStand({ env: { ALLOW_SELF_APPROVAL: 'true' }, extraDistributions: ['e2e-own'] });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('lets an approver approve their own request', async () => {
    const channel = 'C0OWN';
    await stand.command('e2e-own', approver, channel);
    const { card, requestId } = await cardIn(stand, channel);
    await stand.click(ACTION_IDS.approve, requestId, approver, card.ts, channel);
    await stand.slack.waitFor(() =>
      stand.slack.thread(channel, card.ts).find((m) => /Succeeded/.test(m.text ?? '')),
    );
    expect(resetCalls(stand, 'e2e-own')).toHaveLength(1);
  });
});
