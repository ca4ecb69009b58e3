import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buttonPress,
  buttonsOf,
  DM,
  EMPLOYEE,
  ENGINEER,
  ENGINEER_2,
  FakeSlackApi,
  startSlackHarness,
  TRIAGE_L2,
  viewSubmission,
  type ApiCall,
  type SlackHarness,
} from '../../support/slack.js';

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

const THREAD = '1700003000.000100';
const SECURITY = 'C0SECURITY1';

/** An employee asks for a person: the ticket's card lands in the L2 channel. */
async function openTicket(
  question = 'my second monitor stays black',
  thread = THREAD,
): Promise<{ key: string; card: ApiCall }> {
  await h.event({ type: 'message', channel: DM, channel_type: 'im', user: EMPLOYEE, text: question, ts: thread });
  await h.event({
    type: 'message',
    channel: DM,
    channel_type: 'im',
    user: EMPLOYEE,
    text: 'talk to a human',
    ts: `${thread}1`,
    thread_ts: thread,
  });
  await h.settle();
  const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  const card = h.api
    .of('chat.postMessage')
    .find((c) => c.args.channel === TRIAGE_L2 && FakeSlackApi.textOf(c).includes(ticket.key))!;
  return { key: ticket.key, card };
}

type Modal = {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: Array<{ block_id?: string; element?: Record<string, unknown> }>;
};

/** Presses a card button (its own value unless forged) and returns the modal it opened. */
async function pressFor(user: string, card: ApiCall, label: string, value?: string): Promise<Modal | undefined> {
  const before = h.api.of('views.open').length;
  const button = buttonsOf(card).find((b) => b.text === label);
  if (!button)
    throw new Error(
      `no "${label}" button: ${buttonsOf(card)
        .map((b) => b.text)
        .join(', ')}`,
    );
  await h.interaction(
    buttonPress({
      user,
      actionId: button.action_id,
      value: value ?? button.value!,
      channel: TRIAGE_L2,
      messageTs: String(card.response!.ts),
    }),
  );
  await h.settle();
  const opened = h.api.of('views.open');
  return opened.length > before ? (opened.at(-1)!.args.view as Modal) : undefined;
}

async function submit(
  modal: Modal,
  values: Record<string, Record<string, unknown>>,
  viewId?: string,
): Promise<Response> {
  const response = await h.interaction(
    viewSubmission({
      user: ENGINEER,
      callbackId: modal.callback_id,
      privateMetadata: modal.private_metadata,
      values,
      ...(viewId ? { viewId } : {}),
    }),
  );
  await h.settle();
  return response;
}

const select = (value: string) => ({
  type: 'static_select',
  selected_option: { value, text: { type: 'plain_text', text: value } },
});
const cardThread = (card: ApiCall) =>
  h.api.of('chat.postMessage').filter((c) => c.args.channel === TRIAGE_L2 && c.args.thread_ts === card.response!.ts);
const toRequester = () =>
  h.api.of('chat.postMessage').filter((c) => c.args.channel === DM && c.args.thread_ts === THREAD);
const eventsOf = async (key: string, type: string) =>
  h.bot.app.store.prisma.ticketEvent.findMany({ where: { ticket: { key }, type } });
const lastError = async (response: Response) => ((await response.json()) as { errors: Record<string, string> }).errors;

describe('Slack: engineers correct a ticket on its card', () => {
  it('changes the priority in a modal: due times move, the card and its thread say so, the requester hears the new priority', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    const before = await h.bot.app.tickets.get(key);
    const modal = (await pressFor(ENGINEER, card, 'Priority'))!;
    expect(modal.title.text).toBe(`Priority of ${key}`);
    const picker = modal.blocks.find((b) => b.block_id === 'priority')!.element!;
    expect(picker).toMatchObject({ type: 'static_select', initial_option: { value: before.priority } });
    expect((picker.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['P1', 'P2', 'P3', 'P4']);

    const ok = await submit(modal, {
      priority: select('P1'),
      reason: { type: 'plain_text_input', value: 'the whole floor is affected' },
    });
    expect(ok.status).toBe(200);
    const after = await h.bot.app.tickets.get(key);
    expect(after.priority).toBe('P1');
    expect(after.responseDueAt!.getTime()).toBe(before.createdAt.getTime() + 15 * 60_000);
    const [event] = await eventsOf(key, 'priority');
    expect(JSON.parse(event!.detail)).toMatchObject({
      from: before.priority,
      to: 'P1',
      reason: 'the whole floor is affected',
      origin: expect.stringMatching(/^slack:view:/),
    });
    expect(event!.actorId).toBe(ENGINEER);

    const update = h.api.of('chat.update').at(-1)!;
    expect(update.args).toMatchObject({ channel: TRIAGE_L2, ts: card.response!.ts });
    expect(FakeSlackApi.textOf(update)).toContain('(P1, new)');
    const line = String(cardThread(card).at(-1)!.args.text);
    expect(line).toBe(
      `:label: <@${ENGINEER}> changed the priority from ${before.priority} to *P1*; SLA due times follow it.\n>the whole floor is affected`,
    );
    const told = FakeSlackApi.textOf(toRequester().at(-1));
    expect(told).toContain(`IT set the priority of *${key}* to P1 - Critical`);
    expect(told).not.toContain('whole floor');
  });

  it("changes the category from the knowledge base's list and posts the card where the new category is routed", async () => {
    h = await startSlackHarness({ SLACK_TRIAGE_ROUTES: `security=${SECURITY}` });
    const { key, card } = await openTicket();
    expect(h.api.of('chat.postMessage').some((c) => c.args.channel === SECURITY)).toBe(false);
    const modal = (await pressFor(ENGINEER, card, 'Category'))!;
    const options = (
      modal.blocks.find((b) => b.block_id === 'category')!.element!.options as Array<{ value: string }>
    ).map((o) => o.value);
    expect(options).toEqual(expect.arrayContaining(['general', 'hardware', 'network', 'printing', 'security']));

    await submit(modal, { category: select('security') });
    expect((await h.bot.app.tickets.get(key)).category).toBe('security');
    const routed = h.api.of('chat.postMessage').filter((c) => c.args.channel === SECURITY && !c.args.thread_ts);
    expect(routed).toHaveLength(1);
    expect(FakeSlackApi.textOf(routed[0])).toContain(key);
    expect(await h.bot.app.store.ticketThreads.ofTicket(key)).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: SECURITY, role: 'triage' })]),
    );
    // The L2 card stays, updated, with a line saying where it went; the requester is not bothered.
    expect(
      FakeSlackApi.textOf(
        h.api
          .of('chat.update')
          .filter((c) => c.args.channel === TRIAGE_L2)
          .at(-1),
      ),
    ).toContain('security');
    expect(FakeSlackApi.textOf(cardThread(card).at(-1))).toMatch(
      new RegExp(`<@${ENGINEER}> moved it from \\S+ to \\*security\\*`),
    );
    expect(toRequester().some((c) => FakeSlackApi.textOf(c).includes('security'))).toBe(false);

    // Changed back and again: the security channel already has its card, so no second one.
    await submit((await pressFor(ENGINEER, card, 'Category'))!, { category: select('hardware') });
    await submit((await pressFor(ENGINEER, card, 'Category'))!, { category: select('security') });
    expect(h.api.of('chat.postMessage').filter((c) => c.args.channel === SECURITY && !c.args.thread_ts)).toHaveLength(
      1,
    );
  });

  it('posts the card where a route on priority sends the raised ticket (a major-incident channel)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'routing-'));
    try {
      const file = path.join(dir, 'routing.yaml');
      writeFileSync(
        file,
        'routes:\n  - name: major incidents\n    when:\n      priority: [P1]\n    slack: C0MAJOR001\n',
      );
      h = await startSlackHarness({ ROUTING_FILE: file });
      const { key, card } = await openTicket();
      expect(h.api.of('chat.postMessage').some((c) => c.args.channel === 'C0MAJOR001')).toBe(false);
      await submit((await pressFor(ENGINEER, card, 'Priority'))!, { priority: select('P1') });
      const major = h.api.of('chat.postMessage').filter((c) => c.args.channel === 'C0MAJOR001' && !c.args.thread_ts);
      expect(major).toHaveLength(1);
      expect(FakeSlackApi.textOf(major[0])).toContain(`${key} (P1, new)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('assigns an unclaimed ticket to an engineer picked in the modal (not to an employee)', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    const modal = (await pressFor(ENGINEER, card, 'Assign'))!;
    expect(modal.blocks.find((b) => b.block_id === 'assignee')!.element).toMatchObject({ type: 'users_select' });
    const refused = await submit(modal, { assignee: { type: 'users_select', selected_user: EMPLOYEE } });
    expect(await lastError(refused)).toEqual({ assignee: 'Choose someone on the engineer roster.' });
    expect((await h.bot.app.tickets.get(key)).status).toBe('new');

    await submit(modal, { assignee: { type: 'users_select', selected_user: ENGINEER_2 } });
    expect(await h.bot.app.tickets.get(key)).toMatchObject({ status: 'claimed', assigneeId: ENGINEER_2 });
    const [event] = (await eventsOf(key, 'status')).filter((e) => e.toStatus === 'claimed');
    expect(event!.actorId).toBe(ENGINEER);
    expect(JSON.parse(event!.detail)).toMatchObject({ command: 'assign', assignee: ENGINEER_2 });
    const update = h.api.of('chat.update').at(-1)!;
    expect(buttonsOf(update).map((b) => b.text)).toEqual(['Escalate', 'Resolve', 'Reassign', 'Priority', 'Category']);
    expect(FakeSlackApi.textOf(cardThread(card).at(-1))).toContain(
      `*${key}* was assigned to <@${ENGINEER_2}> by <@${ENGINEER}>`,
    );
    expect(FakeSlackApi.textOf(toRequester().at(-1))).toContain(`<@${ENGINEER_2}> is now working on *${key}*`);
  });

  it("makes a modal's change once when the same modal is submitted again", async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    const modal = (await pressFor(ENGINEER, card, 'Priority'))!;
    const first = await submit(modal, { priority: select('P2') }, 'V0PRIO0001');
    const again = await submit(modal, { priority: select('P2') }, 'V0PRIO0001');
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await eventsOf(key, 'priority')).toHaveLength(1);
    expect((await h.bot.app.tickets.get(key)).priority).toBe('P2');
  });

  it('refuses forged and hostile input politely, in the form or in a note, and changes nothing', async () => {
    h = await startSlackHarness();
    const { key, card } = await openTicket();
    const other = await openTicket('the printer on my floor is offline', '1700003500.000100');
    expect(other.key).not.toBe(key);
    const version = (await h.bot.app.tickets.get(key)).version;

    const priority = (await pressFor(ENGINEER, card, 'Priority'))!;
    expect(await lastError(await submit(priority, { priority: select('P0') }))).toEqual({
      priority: 'Choose a priority: P1, P2, P3, P4.',
    });
    const category = (await pressFor(ENGINEER, card, 'Category'))!;
    expect(await lastError(await submit(category, { category: select('x'.repeat(10 * 1024)) }))).toEqual({
      category: 'Choose one of the listed categories.',
    });
    // Metadata not sealed by us (naming another ticket) is refused.
    const forged = await submit(
      { ...priority, private_metadata: JSON.stringify({ kind: 'ticket.priority', ticketKey: other.key }) },
      { priority: select('P1') },
    );
    expect(Object.values(await lastError(forged))[0]).toMatch(/out of date/);

    // An employee pressing the button, and a button whose value names another ticket, get a note.
    expect(await pressFor(EMPLOYEE, card, 'Priority')).toBeUndefined();
    expect(String(h.api.of('chat.postEphemeral').at(-1)!.args.text)).toMatch(
      /^Only engineers can change tickets' priority\./,
    );
    expect(await pressFor(ENGINEER, card, 'Category', other.key)).toBeUndefined();
    expect(String(h.api.of('chat.postEphemeral').at(-1)!.args.text)).toBe(
      'That button does not belong to this ticket card.',
    );
    expect(await pressFor(ENGINEER, card, 'Assign', 'x'.repeat(2000))).toBeUndefined();

    expect(await h.bot.app.tickets.get(key)).toMatchObject({ version, status: 'new' });
    expect(await eventsOf(key, 'priority')).toHaveLength(0);
    expect(await eventsOf(key, 'category')).toHaveLength(0);
  });
});
