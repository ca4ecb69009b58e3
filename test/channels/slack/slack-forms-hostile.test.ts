import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EMPLOYEE,
  ENGINEER,
  FakeSlackApi,
  homeButtonPress,
  startSlackHarness,
  viewSubmission,
  type SlackHarness,
} from '../../support/slack.js';

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness();
});
afterEach(async () => {
  await h.close();
});

const validForm = {
  subject: { type: 'plain_text_input', value: 'Printer offline on 3rd floor' },
  description: { type: 'plain_text_input', value: 'The 3rd floor printer says offline for everyone' },
  priority: { type: 'static_select', selected_option: { value: 'P3' } },
  category: { type: 'static_select', selected_option: { value: 'general' } },
};

async function openForm(user = EMPLOYEE): Promise<{ callback_id: string; private_metadata: string }> {
  await h.command('', user);
  await h.settle();
  return h.api.of('views.open').at(-1)!.args.view as { callback_id: string; private_metadata: string };
}

describe('forms and buttons that someone else could send', () => {
  it('refuses a ticket form whose metadata we did not write (another requester, another channel)', async () => {
    const form = await openForm();
    const forged = JSON.stringify({
      kind: 'ticket.form',
      requester: 'U0VICTIM001',
      thread: { channel: 'C0SECRET01', threadTs: '1700000000.000100' },
    });
    const response = await h.interaction(
      viewSubmission({ user: EMPLOYEE, callbackId: form.callback_id, privateMetadata: forged, values: validForm }),
    );
    expect(await response.json()).toMatchObject({
      response_action: 'errors',
      errors: { subject: expect.stringMatching(/out of date|someone else/) },
    });
    // Our own sealed metadata with its contents changed is as good as forged.
    const sealed = JSON.parse(form.private_metadata) as { m: string; u: string; s: string };
    const tampered = JSON.stringify({
      ...sealed,
      m: JSON.stringify({ kind: 'ticket.form', requester: 'U0VICTIM001' }),
    });
    const second = await h.interaction(
      viewSubmission({ user: EMPLOYEE, callbackId: form.callback_id, privateMetadata: tampered, values: validForm }),
    );
    expect(await second.json()).toMatchObject({ response_action: 'errors' });
    await h.settle();
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(0);
    expect(h.api.calls.filter((c) => c.args.channel === 'C0SECRET01')).toEqual([]);
  });

  it('refuses a form submitted by someone other than the person it was opened for', async () => {
    const form = await openForm(EMPLOYEE);
    const response = await h.interaction(
      viewSubmission({
        user: 'U0INTRUDER1',
        callbackId: form.callback_id,
        privateMetadata: form.private_metadata,
        values: validForm,
      }),
    );
    expect(await response.json()).toMatchObject({ response_action: 'errors' });
    await h.settle();
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(0);
  });

  it('opens one ticket when the same submission arrives twice', async () => {
    const form = await openForm();
    const submit = () =>
      h.interaction(
        viewSubmission({
          user: EMPLOYEE,
          callbackId: form.callback_id,
          privateMetadata: form.private_metadata,
          values: validForm,
          viewId: 'V0REPLAY001',
        }),
      );
    const [one, two] = await Promise.all([submit(), submit()]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect((await submit()).status).toBe(200);
    await h.settle();
    expect(await h.bot.app.store.prisma.ticket.count()).toBe(1);
  });

  it("the Comment button with another person's ticket key shows nothing of that ticket", async () => {
    // Someone else's ticket, with a subject worth keeping private.
    await h.bot.app.tickets.open({
      requester: { id: 'U0OTHER0001', role: 'employee' },
      channel: 'slack',
      conversationKey: null,
      subject: 'Salary spreadsheet leaked to contractor',
      description: 'confidential',
    });
    await h.settle();
    const before = h.api.calls.length;
    for (const value of ['HD-1001', 'HD-9999']) {
      await h.interaction(homeButtonPress({ user: EMPLOYEE, actionId: 'ticket.comment#0', value }));
      await h.settle();
    }
    const calls = h.api.calls.slice(before);
    expect(calls.filter((c) => c.method === 'views.open')).toEqual([]);
    expect(calls.filter((c) => /Salary|HD-1001|HD-9999/.test(FakeSlackApi.textOf(c)))).toEqual([]);
    const told = calls
      .filter((c) => c.method === 'chat.postMessage' && c.args.channel === EMPLOYEE)
      .map((c) => String(c.args.text));
    // The same words for a ticket that exists and one that does not.
    expect(told).toEqual(['You can only do that on your own tickets.', 'You can only do that on your own tickets.']);
    // An engineer still gets the form.
    await h.interaction(
      homeButtonPress({ user: ENGINEER, actionId: 'ticket.comment#0', value: 'HD-1001', viewId: 'V0HOME0002' }),
    );
    await h.settle();
    expect(h.api.of('views.open')).toHaveLength(1);
  });
});
