/**
 * Audiences in the core, on the in-memory ports: the decisions the chats cannot see. A button that
 * was offered is still checked against the person's audience when pressed (membership can change
 * in between); learned phrasings of a restricted article come only from its audience; a chat whose
 * directory fails or hangs gives the person `all` only, and says so in the log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, Turn } from '../../src/core/conversation/turn.js';
import { actions } from '../../src/core/conversation/turn.js';
import { AudienceDirectory, canSee, EVERYONE_ONLY } from '../../src/core/knowledge/audience.js';
import type { Logger } from '../../src/core/logger.js';
import { listedAudiences } from '../../src/service/listed-audiences.js';
import type { MemoryStore } from '../../src/store/memory/memory-store.js';
import { startMemoryApp, type MemoryApp } from '../support/memory-app.js';
import { restrictedKb, type RestrictedKb } from '../support/restricted-kb.js';

let kb: RestrictedKb;
let app: MemoryApp;
let store: MemoryStore;
/** Who is in remote-workers, as the test chat's directory says now. */
const members = new Set<string>();

beforeAll(() => {
  kb = restrictedKb();
});
afterAll(() => kb?.cleanup());
beforeEach(async () => {
  members.clear();
  ({ app, store } = await startMemoryApp({ env: { KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences } }));
  app.audiences.register('test', {
    audiencesOf: (user) => Promise.resolve(members.has(user) ? ['remote-workers'] : []),
  });
});
afterEach(async () => {
  await app.knowledge.reload().catch(() => {});
  await app.close().catch(() => {});
});

const turn = (user: string, extra: Partial<Turn>): Turn => ({
  conversationKey: `test:${user}`,
  channel: 'test',
  user: { id: user },
  ...extra,
});
const say = (user: string, text: string) => app.conversations.handle(turn(user, { text }));
const press = (user: string, id: string, value?: string) =>
  app.conversations.handle(turn(user, { action: { id, ...(value ? { value } : {}) } }));
const text = (replies: Reply[]) => JSON.stringify(replies);
const expectNothingRestricted = (replies: Reply[]) => {
  for (const secret of kb.secrets) expect(text(replies).toLowerCase()).not.toContain(secret.toLowerCase());
};

describe('audiences in the conversation', () => {
  it('gives a member the restricted article and someone else an answer without it', async () => {
    members.add('rita');
    expect(text(await say('rita', 'install globalprotect'))).toContain('Set up GlobalProtect VPN');
    expectNothingRestricted(await say('omar', 'install globalprotect'));
  });

  it('refuses a "did you mean" pick of a restricted article once the person has left its audience', async () => {
    members.add('rita');
    const offer = await say('rita', 'vpn');
    const suggestion = offer.find((r) => r.kind === 'suggestions');
    expect(suggestion?.kind).toBe('suggestions');
    const pick = suggestion!.choices.find((c) => c.action.id === actions.showArticle && c.action.value === 'vpn-setup');
    expect(pick).toBeDefined();
    // Removed from the group between the offer and the press: the real button names an article they may no longer have.
    members.delete('rita');
    const pressed = await press('rita', actions.showArticle, 'vpn-setup');
    expect(pressed).toHaveLength(1);
    expect(pressed[0]!.markdown).toMatch(/expired or belongs to another conversation/);
    expectNothingRestricted(pressed);
  });

  it('learns a phrasing of a restricted article only from someone in its audience', async () => {
    members.add('rita');
    const answered = (await say('rita', 'globalprotect portal address please')).find((r) => r.kind === 'answer');
    expect(answered?.kind === 'answer' && answered.article.id).toBe('vpn-setup');
    const questionId = answered!.kind === 'answer' ? answered!.questionId : '';
    // Left the audience before voting: the vote teaches nothing.
    members.delete('rita');
    await press('rita', actions.helpful, questionId);
    expect(await store.learned.list()).toEqual([]);
    // In the audience, the same vote is counted.
    members.add('rita');
    await press('rita', actions.helpful, questionId);
    expect((await store.learned.list()).map((p) => p.articleId)).toEqual(['vpn-setup']);
  });

  it('never starts or offers a restricted script, even from its own triggers', async () => {
    for (const question of ['vpn will not connect', 'cannot connect to the vpn', 'globalprotect keeps disconnecting'])
      expectNothingRestricted(await say('omar', question));
    expectNothingRestricted(await press('omar', 'script.start', 'vpn-not-connecting'));
  });
});

describe('AudienceDirectory: unknown membership', () => {
  const logged: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (_obj, msg) => logged.push(msg ?? ''),
    error: () => {},
  };
  beforeEach(() => logged.splice(0));

  it('gives `all` only when the chat cannot tell, and logs it', async () => {
    const directory = new AudienceDirectory(logger);
    directory.register('slack', { audiencesOf: () => Promise.reject(new Error('slack is down')) });
    expect([...(await directory.membershipOf('slack', 'U1'))]).toEqual(['all']);
    expect(logged).toEqual([expect.stringMatching(/cannot tell which audiences/)]);
  });

  it('gives `all` only when the chat does not answer in time', async () => {
    const directory = new AudienceDirectory(logger, 20);
    directory.register('slack', { audiencesOf: () => new Promise(() => {}) });
    expect([...(await directory.membershipOf('slack', 'U1'))]).toEqual(['all']);
    expect(logged).toHaveLength(1);
  });

  it('gives `all` only to a chat without a directory, and adds `all` to every answer', async () => {
    const directory = new AudienceDirectory(logger);
    expect(await directory.membershipOf('unknown-chat', 'x')).toBe(EVERYONE_ONLY);
    directory.register(
      'teams',
      listedAudiences(
        { eng: { slackGroups: [], slackUsers: [], teamsUsers: ['AbC-1'], localUsers: [] } },
        (m) => m.teamsUsers,
      ),
    );
    expect([...(await directory.membershipOf('teams', 'abc-1'))].sort()).toEqual(['all', 'eng']);
    expect([...(await directory.membershipOf('teams', 'someone'))]).toEqual(['all']);
  });

  it('canSee: no audience or `all` is everyone; otherwise any shared audience', () => {
    expect(canSee({}, EVERYONE_ONLY)).toBe(true);
    expect(canSee({ audiences: ['all', 'engineers'] }, EVERYONE_ONLY)).toBe(true);
    expect(canSee({ audiences: ['engineers'] }, EVERYONE_ONLY)).toBe(false);
    expect(canSee({ audiences: ['engineers', 'contractors'] }, new Set(['all', 'contractors']))).toBe(true);
    expect(canSee({ audiences: [] }, EVERYONE_ONLY)).toBe(true);
  });
});
