import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dot, type SentenceEncoder } from '../../src/core/answering/sentence-encoder.js';
import { loadEncoder, openEncoder } from '../../src/encoders/encoder-registry.js';
import type { UseLiteEncoder } from '../../src/encoders/use-lite-encoder.js';

// The one test that loads the real model (about a second): the rest use HashingSentenceEncoder.
describe('the Universal Sentence Encoder lite, from the installed package alone', () => {
  let encoder: SentenceEncoder;
  const attempts: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    vi.spyOn(globalThis, 'fetch').mockImplementation((input) => {
      attempts.push(`fetch ${String(input)}`);
      return Promise.reject(new Error('no network in this test'));
    });
    for (const [name, module] of [
      ['http', http],
      ['https', https],
    ] as const) {
      const request = module.request.bind(module);
      vi.spyOn(module, 'request').mockImplementation(((...args: unknown[]) => {
        attempts.push(`${name}.request`);
        return (request as (...a: unknown[]) => http.ClientRequest)(...args);
      }) as typeof module.request);
    }
    const connect = net.Socket.prototype.connect;
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      attempts.push('socket connect');
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    encoder = (await loadEncoder('use-lite'))!;
  }, 60_000);

  afterAll(() => {
    vi.restoreAllMocks();
    nock.enableNetConnect();
  });

  it('has run the model once at load, so that its first run is not paid by the first question', () => {
    expect((encoder as UseLiteEncoder).runs).toBe(1);
  });

  it('loads and embeds without touching the network', async () => {
    const vectors = await encoder.embed([
      'how do I reset my password',
      'I forgot my login password',
      'the coffee machine is broken',
    ]);
    expect(attempts).toEqual([]);
    expect(encoder).toMatchObject({ name: 'use-lite', dimensions: 512 });
    // The weights as the service's start names them before the model loads (its caches key by them).
    expect(encoder.weights).toBe((await openEncoder('use-lite'))!.weights);
    for (const vector of vectors) expect(dot(vector, vector)).toBeCloseTo(1, 4);
  });

  it('places paraphrases that share few words close together, and unrelated questions apart', async () => {
    const [cantPrint, printerOffline, noSound, headsetSilent] = await encoder.embed([
      "can't print",
      'printer shows offline',
      'teams meeting no sound',
      'nobody can hear me in my calls, headset seems dead',
    ]);
    expect(dot(cantPrint!, printerOffline!)).toBeGreaterThan(dot(cantPrint!, noSound!) + 0.15);
    expect(dot(noSound!, headsetSilent!)).toBeGreaterThan(dot(noSound!, printerOffline!) + 0.15);
    // One text at a time or in a batch: the same vectors.
    const [alone] = await encoder.embed(["can't print"]);
    for (let i = 0; i < 512; i++) expect(alone![i]).toBeCloseTo(cantPrint![i]!, 4);
    expect(attempts).toEqual([]);
  });

  it('would have seen a request (the guard works)', async () => {
    await expect(fetch('http://192.0.2.1/model.json')).rejects.toThrow('no network');
    expect(attempts).toEqual(['fetch http://192.0.2.1/model.json']);
    attempts.length = 0;
  });
});
