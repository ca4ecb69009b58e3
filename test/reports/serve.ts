import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createReportsRouter, type ReportsRouterDeps } from '../../src/reports/reports-router.js';

/** A tiny express app with the router, on a loopback port. */
export async function serveReports(deps: ReportsRouterDeps): Promise<{ url: string; close: () => Promise<void> }> {
  const web = express();
  web.use(createReportsRouter(deps));
  const server: Server = await new Promise((resolve) => {
    const s = web.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
