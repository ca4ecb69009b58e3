import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const stages = new Map<string, string[]>();
let current = '';
for (const line of instructions) {
  const from = /^FROM\s+(\S+)\s+AS\s+(\w+)$/i.exec(line);
  if (from) {
    current = from[2]!;
    stages.set(current, [line]);
  } else if (current) {
    stages.get(current)!.push(line);
  }
}
const runtime = stages.get('runtime') ?? [];
const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

// Debian's docker-compose package ships the Compose Specification's JSON schema (not copied here).
const COMPOSE_SCHEMA = '/usr/lib/python3/dist-packages/compose/config/compose_spec.json';

describe('Dockerfile', () => {
  it('builds in stages from Node 20 slim and runs as the node user with plain node', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect([...stages.keys()]).toEqual(['build', 'deps', 'runtime']);
    for (const stage of stages.values()) expect(stage[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS/);
    const user = runtime.findIndex((line) => line === 'USER node');
    expect(user).toBeGreaterThan(0);
    expect(runtime.slice(user).some((line) => /^(RUN|COPY)/.test(line))).toBe(false);
    expect(runtime.at(-1)).toBe('CMD ["node", "dist/main.js"]');
  });

  it('installs only production dependencies for the runtime, and takes nothing else from the build but dist/', () => {
    expect(stages.get('deps')!.join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(stages.get('deps')!.join('\n')).toMatch(/npm rebuild better-sqlite3/);
    expect(stages.get('build')!.join('\n')).toMatch(/npm run build/);
    const fromStages = runtime.filter((line) => line.startsWith('COPY --from='));
    expect(fromStages).toEqual([
      'COPY --from=deps /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
    ]);
    expect(runtime.some((line) => /^RUN .*npm (ci|install)/.test(line))).toBe(false);
  });

  it('keeps data and the knowledge base in /data and /kb, with a volume for the data', () => {
    expect(runtime.join('\n')).toMatch(/KB_DIR=\/kb/);
    expect(runtime.join('\n')).toMatch(/DATA_DIR=\/data/);
    expect(runtime).toContain('VOLUME ["/data"]');
  });

  it('copies only files that exist in the repository and that .dockerignore lets through', () => {
    const sources = instructions
      .filter((line) => /^COPY (?!--from)/.test(line))
      .flatMap((line) =>
        line
          .replace(/^COPY (--chown=\S+ )?/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(
        ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
        source,
      ).toBe(false);
    }
    for (const kept of ['.env', '.git', 'node_modules', 'data', 'dist']) expect(ignored).toContain(kept);
  });

  describe('HEALTHCHECK', () => {
    let server: Server;
    let status = 200;
    let port = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === '/healthz' ? status : 404).end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** The HEALTHCHECK's command, run as Docker would (its exit code), against the server above. */
    const check = () => {
      const line = runtime.find((l) => l.startsWith('HEALTHCHECK'))!;
      const argv = JSON.parse(line.slice(line.indexOf('CMD') + 3).trim()) as string[];
      expect(argv.slice(0, 2)).toEqual(['node', '-e']);
      return new Promise<number | null>((resolve) => {
        execFile(
          process.execPath,
          argv.slice(1),
          { env: { ...process.env, PORT: String(port) }, timeout: 20_000 },
          (error) => resolve(error ? (typeof error.code === 'number' ? error.code : null) : 0),
        );
      });
    };

    it('is node fetching /healthz: 0 when it answers 200, 1 when 503 (starting or failing) or nothing listens', async () => {
      status = 200;
      expect(await check()).toBe(0);
      status = 503;
      expect(await check()).toBe(1);
      port = 1; // nothing listens there
      expect(await check()).toBe(1);
    });
  });
});

describe('compose.yaml', () => {
  const text = readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
  const compose = parse(text, { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        build?: string;
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        volumes?: string[];
        ports?: string[];
        healthcheck?: unknown;
      }
    >;
    volumes: Record<string, unknown>;
  };

  it('runs PostgreSQL and two bot replicas on it, each with its own data volume and the knowledge base mounted', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot-1', 'bot-2', 'db']);
    expect(compose.services.db!.image).toMatch(/^postgres:\d+/);
    expect(compose.services.db!.healthcheck).toBeDefined();
    const ports = new Set<string>();
    for (const name of ['bot-1', 'bot-2']) {
      const bot = compose.services[name]!;
      expect(bot.build).toBe('.');
      expect(bot.environment).toMatchObject({
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        KB_DIR: '/kb',
        DATA_DIR: '/data',
      });
      expect(bot.environment!.DATABASE_URL).toMatch(
        /^postgres:\/\/helpdesk:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:5432\/helpdesk$/,
      );
      expect(bot.depends_on).toEqual({ db: { condition: 'service_healthy' } });
      expect(bot.volumes).toEqual(['./knowledge-base:/kb', `${name}-data:/data`]);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
      for (const port of bot.ports!) ports.add(port.split(':')[0]!);
    }
    expect(ports.size).toBe(2);
  });

  it.skipIf(!existsSync(COMPOSE_SCHEMA))(
    `validates against the Compose Specification schema (${COMPOSE_SCHEMA}, from Debian's docker-compose)`,
    () => {
      // Its draft-04 style `id`s (string values; a property named id is an object) are not Ajv's: dropped.
      const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8'), (key, value: unknown) =>
        (key === 'id' && typeof value === 'string') || key === '$schema' ? undefined : value,
      ) as Record<string, unknown>;
      const ajv = new Ajv({ strict: false, allErrors: true });
      const validate = ajv.compile(schema);
      const valid = validate(parse(text, { merge: true }));
      expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
      expect(valid).toBe(true);
      // The schema has teeth: an unknown key in a service, and a mistyped one, are refused.
      expect(validate({ services: { bot: { image: 'x', bogus: true } } })).toBe(false);
      expect(validate({ services: { bot: { image: 'x', ports: { a: 1 } } } })).toBe(false);
    },
  );
});
