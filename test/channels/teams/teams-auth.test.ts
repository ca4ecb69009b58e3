import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeConnector,
  PERSONAL,
  SERVICE_URL,
  startTeamsHarness,
  teamsMessage,
  type TeamsHarness,
} from '../../support/teams.js';

const APP_ID = '0b6e9a3c-5f44-4c6a-9a51-6a0b1f7c2d11';
const KID = 'test-signing-key';
let h: TeamsHarness;
// botframework-connector caches the signing keys per process, so one key pair serves every test.
const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey: KeyObject = pair.privateKey;
const otherKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/** A Bot Framework channel token, signed like the Bot Connector signs them. */
function token(key: KeyObject, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: KID, x5t: KID };
  const payload = {
    iss: 'https://api.botframework.com',
    aud: APP_ID,
    serviceurl: SERVICE_URL,
    nbf: now - 60,
    iat: now - 60,
    exp: now + 3600,
    ...claims,
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

beforeEach(async () => {
  const jwk = pair.publicKey.export({ format: 'jwk' });
  // The Bot Framework's OpenID metadata and signing keys, at the network edge.
  nock('https://login.botframework.com')
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(200, {
      issuer: 'https://api.botframework.com',
      jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
      id_token_signing_alg_values_supported: ['RS256'],
    })
    .get('/v1/.well-known/keys')
    .reply(200, {
      keys: [{ kty: 'RSA', use: 'sig', kid: KID, x5t: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }],
    });
  // Microsoft Entra ID, for the bot's own outbound token (client credentials).
  nock('https://login.microsoftonline.com')
    .persist()
    .get(/.*/)
    .reply(200, (uri) =>
      uri.includes('discovery/instance')
        ? {
            tenant_discovery_endpoint:
              'https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration',
            'api-version': '1.1',
            metadata: [
              {
                preferred_network: 'login.microsoftonline.com',
                preferred_cache: 'login.windows.net',
                aliases: ['login.microsoftonline.com', 'login.windows.net'],
              },
            ],
          }
        : {
            token_endpoint: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token',
            issuer: 'https://login.microsoftonline.com/botframework.com/v2.0',
            authorization_endpoint: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/authorize',
            jwks_uri: 'https://login.microsoftonline.com/botframework.com/discovery/v2.0/keys',
            end_session_endpoint: 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/logout',
          },
    )
    .post(/.*/)
    .reply(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'outbound-test-token' });
  h = await startTeamsHarness({
    MICROSOFT_APP_ID: APP_ID,
    MICROSOFT_APP_PASSWORD: 'test-client-secret',
    TEAMS_ENABLED: '0',
  });
});
afterEach(async () => {
  await h.close();
});

describe('Teams authentication (MICROSOFT_APP_ID set)', () => {
  it('refuses a request without a token, with a token signed by another key, and with a token for another bot', async () => {
    const activity = teamsMessage({ text: 'how do I reset my password' });
    const first = await h.send(activity);
    expect(first.status).toBe(401);
    expect((await h.send(activity, { authorization: `Bearer ${token(otherKey)}` })).status).toBe(401);
    expect(
      (await h.send(activity, { authorization: `Bearer ${token(privateKey, { aud: 'someone-else' })}` })).status,
    ).toBe(401);
    await h.settle();
    expect(h.connector.postsTo(PERSONAL)).toHaveLength(0);
    expect(await h.bot.app.store.prisma.question.count()).toBe(0);
  });

  it("accepts a valid Bot Connector token and replies with the bot's own token", async () => {
    const response = await h.send(teamsMessage({ text: 'how do I reset my password' }), {
      authorization: `Bearer ${token(privateKey)}`,
    });
    expect(response.status).toBe(200);
    await h.settle();
    const reply = h.connector.postsTo(PERSONAL)[0];
    expect(FakeConnector.textOf(reply)).toMatch(/password/i);
  });
});
