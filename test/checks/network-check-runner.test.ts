import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkCheckRunner } from '../../src/checks/network-check-runner.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    res.statusCode = req.url === '/broken' ? 500 : 200;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const runner = new NetworkCheckRunner();

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('automatic checks', () => {
  it('HTTP: ok on 2xx, failed on 5xx or a refused port, and a hung server times out on time', async () => {
    expect(await runner.run({ type: 'http', url: `${base}/health`, timeout_ms: 2000 })).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^HTTP 200/),
    });
    expect(await runner.run({ type: 'http', url: `${base}/broken`, timeout_ms: 2000 })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^HTTP 500/),
    });
    expect(
      await runner.run({ type: 'http', url: `${base}/broken`, expect_status: [500], timeout_ms: 2000 }),
    ).toMatchObject({ ok: true });
    expect(
      await runner.run({ type: 'http', url: `http://127.0.0.1:${await closedPort()}/`, timeout_ms: 2000 }),
    ).toMatchObject({ ok: false, detail: expect.stringMatching(/^ECONNREFUSED/) });
    const slow = await runner.run({ type: 'http', url: `${base}/slow`, timeout_ms: 300 });
    expect(slow).toMatchObject({ ok: false, detail: 'timed out after 300 ms' });
    expect(slow.ms).toBeLessThan(2000);
  });

  it('TCP and DNS: a listening port connects, a closed one and an unknown name fail', async () => {
    const port = Number(new URL(base).port);
    expect((await runner.run({ type: 'tcp', host: '127.0.0.1', port, timeout_ms: 2000 })).ok).toBe(true);
    expect(
      await runner.run({ type: 'tcp', host: '127.0.0.1', port: await closedPort(), timeout_ms: 2000 }),
    ).toMatchObject({ ok: false, detail: expect.stringMatching(/^ECONNREFUSED/) });
    expect((await runner.run({ type: 'dns', host: 'localhost', timeout_ms: 2000 })).ok).toBe(true);
    expect(await runner.run({ type: 'dns', host: 'no-such-host.invalid', timeout_ms: 2000 })).toMatchObject({
      ok: false,
      detail: expect.not.stringMatching(/timed out/),
    });
  });
});
