import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import type { Check } from '../core/scripts/script.js';
import type { CheckResult, CheckRunner } from '../core/scripts/script-runner.js';

/** Runs guided scripts' automatic checks over the network; every check ends within its timeout. */
export class NetworkCheckRunner implements CheckRunner {
  /**
   * `followRedirects: false` for targets that must stay on an allow-list (alert diagnostics): a
   * redirect is reported as its status, never followed to a host nobody allowed.
   */
  constructor(private readonly options: { followRedirects?: boolean } = {}) {}

  async run(check: Check): Promise<CheckResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      switch (check.type) {
        case 'http': {
          const redirect = this.options.followRedirects === false ? 'manual' : 'follow';
          const response = await fetch(check.url, {
            method: 'GET',
            redirect,
            signal: AbortSignal.timeout(check.timeout_ms),
          });
          await response.body?.cancel();
          const ok = check.expect_status
            ? check.expect_status.includes(response.status)
            : response.status >= 200 && response.status < 400;
          return { ok, detail: `HTTP ${response.status} in ${ms()} ms`, ms: ms() };
        }
        case 'dns': {
          const address = await withTimeout(lookup(check.host), check.timeout_ms);
          return { ok: true, detail: `${check.host} resolves to ${address.address} (${ms()} ms)`, ms: ms() };
        }
        case 'tcp':
          await withTimeout(tcpConnect(check.host, check.port), check.timeout_ms);
          return { ok: true, detail: `${check.host}:${check.port} accepts connections (${ms()} ms)`, ms: ms() };
      }
    } catch (error) {
      return { ok: false, detail: describeFailure(error, check.timeout_ms), ms: ms() };
    }
  }
}

function tcpConnect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Why a check failed, for the ticket: "timed out after 3000 ms", "ECONNREFUSED", "ENOTFOUND"... */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  // fetch wraps the network error: its cause says what happened.
  const cause = (error as { cause?: unknown }).cause;
  const code =
    (error as NodeJS.ErrnoException).code ??
    (cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined);
  const message = cause instanceof Error ? cause.message : error.message;
  return code ? `${code}: ${message}` : message;
}
