import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME_REFRESH_ACTION_ID } from '../../src/domain/app-home.js';
import { ACTION_IDS } from '../../src/domain/approval-card.js';
import { PICKER_ACTION_ID } from '../../src/domain/distribution-picker.js';
import { DEMO_PEOPLE, type LocalStand, STAND_SIGNING_SECRET } from '../../src/local/local-stand.js';
import { menuChoiceBody, postToSlackEndpoint } from '../../src/local/slack-requests.js';
import { cardIn, resetCalls, startStand, waitForFinal } from '../support/stand.js';

const { requester, approver, bystander } = DEMO_PEOPLE;

function homeText(stand: LocalStand, user: string): string {
  return JSON.stringify(stand.slack.homeOf(user)?.blocks ?? []);
}

/** The next Home tab shown to `user` after the first `since` publishes (other people's come and go). */
async function nextHome(stand: LocalStand, user: string, since: number): Promise<string> {
  const view = await stand.slack.waitFor(() =>
    stand.slack.publishedViews.slice(since).find((v) => v.userId === user),
  );
  return JSON.stringify(view.view.blocks ?? []);
}

describe('the picker: /lightsail-reset alone', () => {
  let stand: LocalStand;

  beforeAll(async () => {
    stand = await startStand({ extraDistributions: ['pick-me', 'pick-other'] });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('answers privately with a menu of every distribution, and choosing one posts its card', async () => {
    const channel = 'C0PICKER';
    const ack = await stand.command('', requester, channel);
    expect(ack.status).toBe(200);
    const menu = await stand.slack.waitFor(() => stand.slack.responses.find((r) => r.id === ack.responseId));
    expect(menu.body.response_type).toBe('ephemeral');
    const blocks = menu.body.blocks as Array<{
      accessory?: { type: string; options?: Array<{ value: string }> };
    }>;
    const accessory = blocks[0]?.accessory;
    expect(accessory?.type).toBe('static_select');
    const values = (accessory?.options ?? []).map((o) => o.value);
    expect(values).toEqual(expect.arrayContaining(['web-prod', 'pick-me', 'pick-other']));

    const choice = await stand.choose(PICKER_ACTION_ID, 'pick-me', requester, channel);
    expect(choice.status).toBe(200);
    const { card } = await cardIn(stand, channel);
    expect(card.text).toContain('pick-me');
    const answer = await stand.slack.waitFor(() =>
      stand.slack.responses.find((r) => r.id === choice.responseId),
    );
    expect(String(answer.body.text)).toMatch(/Asked for a cache reset of `pick-me`/);
    expect(answer.body.replace_original).toBe(true);
  });

  it('still cards a choice that came without a response_url, and logs that its answer was not shown', async () => {
    const channel = 'C0PICKNOURL';
    const body = menuChoiceBody({
      userId: requester,
      channelId: channel,
      actionId: PICKER_ACTION_ID,
      value: 'pick-other',
    });
    expect(body).not.toContain('response_url');
    const res = await postToSlackEndpoint(stand.eventsUrl, body, STAND_SIGNING_SECRET);
    expect(res.status).toBe(200);
    const { card } = await cardIn(stand, channel);
    expect(card.text).toContain('pick-other');
    await stand.slack.waitFor(() =>
      stand.app?.output.includes(
        `a click on ${PICKER_ACTION_ID} came without a response_url; its answer was not shown`,
      )
        ? true
        : undefined,
    );
    expect(stand.app?.output).not.toMatch(/unhandled error in a Slack listener/);
  });

  it('offers type-ahead options that match what was typed, starting-with first', async () => {
    const res = await stand.suggest(PICKER_ACTION_ID, 'PICK');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { options: Array<{ value: string; text: { text: string } }> };
    expect(body.options.map((o) => o.value)).toEqual(['pick-me', 'pick-other']);
  });

  it('refuses type-ahead for a menu the app does not have, before Bolt sees it', async () => {
    const res = await stand.suggest('not_a_menu', 'web');
    expect(res.status).toBe(400);
  });

  it('treats a forged choice of a bad name as malformed and requests nothing', async () => {
    const cards = stand.slack.messages().length;
    const choice = await stand.choose(PICKER_ACTION_ID, 'bad name; rm -rf', requester, 'C0PICKBAD');
    expect(choice.status).toBe(200);
    const answer = await stand.slack.waitFor(() =>
      stand.slack.responses.find((r) => r.id === choice.responseId),
    );
    expect(String(answer.body.text)).toMatch(/did not carry a request I understand/);
    expect(stand.slack.messages()).toHaveLength(cards);
  });
});

describe('the picker with more distributions than a static menu holds', () => {
  let stand: LocalStand;
  const many = Array.from({ length: 130 }, (_, i) => `site-${String(i).padStart(3, '0')}`);

  beforeAll(async () => {
    // The fake Lightsail pages GetDistributions; the app must follow pageToken to see all of them.
    stand = await startStand({ extraDistributions: many });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('switches to an external select and serves matching names from every page', async () => {
    const ack = await stand.command('  ', requester, 'C0MANY');
    const menu = await stand.slack.waitFor(() => stand.slack.responses.find((r) => r.id === ack.responseId));
    const accessory = (menu.body.blocks as Array<{ accessory?: { type: string; action_id: string } }>)[0]
      ?.accessory;
    expect(accessory).toMatchObject({ type: 'external_select', action_id: PICKER_ACTION_ID });
    expect(String(menu.body.text)).toContain('133 distributions');

    const res = await stand.suggest(PICKER_ACTION_ID, 'site-12');
    const options = (JSON.parse(res.body) as { options: Array<{ value: string }> }).options;
    expect(options.map((o) => o.value)).toEqual([
      'site-120',
      'site-121',
      'site-122',
      'site-123',
      'site-124',
      'site-125',
      'site-126',
      'site-127',
      'site-128',
      'site-129',
    ]);
    const all = await stand.suggest(PICKER_ACTION_ID, 'site');
    expect((JSON.parse(all.body) as { options: unknown[] }).options).toHaveLength(100);
  });
});

describe('the App Home tab', () => {
  let stand: LocalStand;

  beforeAll(async () => {
    stand = await startStand({ extraDistributions: ['home-wait', 'home-done', 'home-cancel', 'home-deny'] });
  });
  afterAll(async () => {
    await stand?.stop();
  });

  it('shows an approver what waits for them, and its Approve button works as on the card', async () => {
    // One finished reset for the "Recent resets" list.
    await stand.command('home-done', requester, 'C0HOMEA');
    const done = await cardIn(stand, 'C0HOMEA');
    await stand.click(ACTION_IDS.approve, done.requestId, approver, done.card.ts, 'C0HOMEA');
    await waitForFinal(stand, 'C0HOMEA', done.card.ts);

    await stand.command('home-wait', requester, 'C0HOMEB');
    const waiting = await cardIn(stand, 'C0HOMEB');

    const opened = await stand.openHome(approver);
    expect(opened.status).toBe(200);
    await stand.slack.waitFor(() => stand.slack.homeOf(approver));
    const home = homeText(stand, approver);
    expect(home).toContain('Waiting for your approval');
    expect(home).toContain('home-wait');
    expect(home).toContain(`"value":"${waiting.requestId}"`);
    expect(home).toContain('Recent resets');
    expect(home).toMatch(/home-done.{0,40}succeeded/);

    // A bystander (not an approver) sees nothing to approve.
    await stand.openHome(bystander);
    await stand.slack.waitFor(() => stand.slack.homeOf(bystander));
    expect(homeText(stand, bystander)).toContain('Nothing waits for you.');
    expect(homeText(stand, bystander)).not.toContain(`"value":"${waiting.requestId}"`);

    const published = stand.slack.publishedViews.length;
    const click = await stand.clickInHome(ACTION_IDS.approve, waiting.requestId, approver);
    expect(click.status).toBe(200);
    await waitForFinal(stand, 'C0HOMEB', waiting.card.ts);
    expect(resetCalls(stand, 'home-wait')).toHaveLength(1);
    // The tab is shown again without the request it approved.
    expect(await nextHome(stand, approver, published)).not.toContain(`"value":"${waiting.requestId}"`);
  });

  it('tells a refused click on the tab at the top of the tab, and changes nothing', async () => {
    await stand.command('home-cancel', requester, 'C0HOMEC');
    const { requestId, card } = await cardIn(stand, 'C0HOMEC');
    const published = stand.slack.publishedViews.length;
    await stand.clickInHome(ACTION_IDS.approve, requestId, requester);
    const refused = await nextHome(stand, requester, published);
    expect(refused).toContain('"block_id":"notice"');
    expect(refused).toContain(`Only <@${approver}>`);
    // The requester's own open request is listed with its Cancel button, which works from the tab.
    expect(refused).toContain('Your requests');
    await stand.clickInHome(ACTION_IDS.cancel, requestId, requester);
    await stand.slack.waitFor(() => /cancelled/.test(stand.slack.message('C0HOMEC', card.ts)?.text ?? ''));
    expect(resetCalls(stand, 'home-cancel')).toHaveLength(0);
  });

  it('opens the Deny dialog from the tab, and shows the tab again once the denial is in', async () => {
    await stand.command('home-deny', requester, 'C0HOMED');
    const { requestId, card } = await cardIn(stand, 'C0HOMED');
    await stand.clickInHome(ACTION_IDS.deny, requestId, approver);
    const dialog = await stand.slack.waitFor(() =>
      stand.slack.openedViews.find((v) => String(v.view.private_metadata).startsWith(requestId)),
    );
    expect(dialog.view.private_metadata).toBe(`${requestId} home`);
    const published = stand.slack.publishedViews.length;
    expect((await stand.submitDenyReason(requestId, approver, 'not today', true)).status).toBe(200);
    await stand.slack.waitFor(() => /denied/.test(stand.slack.message('C0HOMED', card.ts)?.text ?? ''));
    const after = await nextHome(stand, approver, published);
    expect(after).not.toContain(`"value":"${requestId}"`);
    expect(after).toMatch(/home-deny.{0,40}denied/);
  });

  it('refreshes on request', async () => {
    const published = stand.slack.publishedViews.length;
    await stand.clickInHome(HOME_REFRESH_ACTION_ID, 'refresh', bystander);
    expect(await nextHome(stand, bystander, published)).toContain('Recent resets');
  });
});
