import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const APP_DIR = path.join(ROOT, 'appPackage');
const SCRIPT = path.join(ROOT, 'scripts/teams-package.mjs');
const SCHEMA_VERSION = '1.30';
const SCHEMA_FILE = path.join(ROOT, `test/fixtures/schemas/teams-app-manifest.v${SCHEMA_VERSION}.schema.json`);
const TEST_APP_ID = '6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b';

interface Command {
  title: string;
  description?: string;
}
interface Manifest {
  $schema?: string;
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  accentColor: string;
  bots: Array<{
    botId: string;
    scopes: string[];
    isNotificationOnly?: boolean;
    supportsFiles?: boolean;
    commandLists?: Array<{ scopes: string[]; commands: Command[] }>;
  }>;
  permissions?: string[];
  validDomains?: string[];
  webApplicationInfo?: { id: string; resource?: string };
  authorization?: { permissions?: { resourceSpecific?: Array<{ name: string; type: string }> } };
  [key: string]: unknown;
}

const template = readFileSync(path.join(APP_DIR, 'manifest.json'), 'utf8');
/** The manifest as the packaging script produces it, with ${{MICROSOFT_APP_ID}} filled in. */
const manifest = JSON.parse(template.replaceAll('${{MICROSOFT_APP_ID}}', TEST_APP_ID)) as Manifest;
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

/** Compiled the way scripts/teams-package.mjs does (see there, and test/fixtures/schemas/README.md). */
function validator() {
  const { $schema: _draft04, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return { ajv, validate: ajv.compile(rest) };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function runPackager(env: Record<string, string | undefined>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'teams-package-'));
  tempDirs.push(dir);
  const out = path.join(dir, 'out', 'teams-app.zip');
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.MICROSOFT_APP_ID;
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
  const result = spawnSync(process.execPath, [SCRIPT, '--out', out], { cwd: ROOT, env: childEnv, encoding: 'utf8' });
  return { ...result, out };
}

// ---- a small PNG reader: IHDR, and RGBA pixels of 8-bit truecolour+alpha images ----

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  pixels?: Buffer;
}

function readPng(buffer: Buffer): Png {
  expect(buffer.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const idat: Buffer[] = [];
  let header: Omit<Png, 'pixels'> | undefined;
  for (let at = 8; at < buffer.length;) {
    const length = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    const data = buffer.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR')
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colorType: data[9]! };
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  if (!header) throw new Error('no IHDR chunk');
  if (header.bitDepth !== 8 || header.colorType !== 6) return header;
  return { ...header, pixels: unfilter(inflateSync(Buffer.concat(idat)), header.width, header.height, 4) };
}

function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      out[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return out;
}

describe('Teams app manifest', () => {
  it(`uses the kept schema's version (v${SCHEMA_VERSION})`, () => {
    const properties = schema.properties as Record<string, { const?: string }>;
    expect(properties.manifestVersion?.const).toBe(SCHEMA_VERSION);
    expect(manifest.manifestVersion).toBe(SCHEMA_VERSION);
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${SCHEMA_VERSION}/MicrosoftTeams.schema.json`,
    );
  });

  it('only uses schema constructs that read the same in draft-04 and draft-07 (we compile it as draft-07)', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    const draft4Only: string[] = [];
    (function walk(node: unknown, at: string) {
      if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean')
          draft4Only.push(`${at}/${key}`);
        walk(value, `${at}/${key}`);
      }
    })(schema, '');
    expect(draft4Only).toEqual([]);
    // A draft-04 base URI is written `"id": "<uri>"`; draft-07 would ignore it and break $refs.
    expect(readFileSync(SCHEMA_FILE, 'utf8')).not.toMatch(/"id"\s*:\s*"/);
  });

  it("validates against Microsoft's Teams manifest schema", () => {
    const { ajv, validate } = validator();
    const valid = validate(manifest);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors, { separator: '\n' })).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    {
      broken: 'the template with the ${{MICROSOFT_APP_ID}} placeholder left in',
      at: '/id',
      edit: (m: Manifest) => (m.id = '${{MICROSOFT_APP_ID}}'),
    },
    {
      broken: 'a bot id that is not a GUID',
      at: '/bots/0/botId',
      edit: (m: Manifest) => (m.bots[0]!.botId = 'it-help-bot'),
    },
    {
      broken: 'an unknown bot scope',
      at: '/bots/0/scopes/1',
      edit: (m: Manifest) => (m.bots[0]!.scopes[1] = 'channel'),
    },
    {
      broken: 'an accent colour without "#"',
      at: '/accentColor',
      edit: (m: Manifest) => (m.accentColor = '1D4E89'),
    },
    {
      broken: 'an unknown top-level key',
      at: '',
      edit: (m: Manifest) => (m.botCommands = []),
    },
  ])('rejects $broken (the schema check is not vacuous)', ({ at, edit }) => {
    const copy = structuredClone(manifest);
    edit(copy);
    const { validate } = validator();
    expect(validate(copy)).toBe(false);
    expect((validate.errors ?? []).map((e) => e.instancePath)).toContain(at);
  });

  it('declares a conversational bot in personal, team and group chat scopes with a command list for each', () => {
    expect(manifest.bots).toHaveLength(1);
    const [bot] = manifest.bots;
    expect(bot!.botId).toBe(manifest.id);
    expect([...bot!.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot!.isNotificationOnly).toBe(false);
    expect(bot!.supportsFiles).toBe(false);
    const lists = bot!.commandLists ?? [];
    expect(lists.flatMap((list) => list.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const list of lists) {
      expect(list.commands).toEqual([
        { title: 'help', description: 'What I can do' },
        { title: 'ticket', description: 'Open a ticket with a form' },
        { title: 'mine', description: 'List your tickets' },
      ]);
    }
  });

  it('requests the permissions, domains and RSC consent the bot needs', () => {
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(manifest.validDomains).toEqual(['helpdesk.example.com']);
    // RSC: read replies in ticket threads without an @mention. Teams wants webApplicationInfo
    // (the bot's Entra app id, any resource string) next to the RSC permissions.
    expect(manifest.authorization?.permissions?.resourceSpecific).toEqual([
      { name: 'ChannelMessage.Read.Group', type: 'Application' },
    ]);
    expect(manifest.webApplicationInfo?.id).toBe(manifest.id);
    expect(manifest.webApplicationInfo?.resource).toBeTruthy();
    expect(manifest.accentColor).toBe('#1D4E89');
  });
});

describe('Teams app icons', () => {
  it('has a 192x192 colour icon', () => {
    const png = readPng(readFileSync(path.join(APP_DIR, manifest.icons.color)));
    expect({ width: png.width, height: png.height }).toEqual({ width: 192, height: 192 });
    // Full colour: not just black/white/grey.
    const pixels = png.pixels!;
    const colourful = [...Array(pixels.length / 4).keys()].some(
      (i) => new Set([pixels[i * 4], pixels[i * 4 + 1], pixels[i * 4 + 2]]).size > 1,
    );
    expect(colourful).toBe(true);
  });

  it('has a 32x32 outline icon that is white on transparent', () => {
    const png = readPng(readFileSync(path.join(APP_DIR, manifest.icons.outline)));
    expect({ width: png.width, height: png.height }).toEqual({ width: 32, height: 32 });
    const pixels = png.pixels!;
    const offending: number[] = [];
    let transparent = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, alpha] = pixels.subarray(i, i + 4);
      if (alpha === 0) transparent++;
      else if (r !== 255 || g !== 255 || b !== 255) offending.push(i / 4);
    }
    expect(offending, 'visible pixels that are not white').toEqual([]);
    expect(transparent).toBeGreaterThan(0);
    expect(transparent).toBeLessThan(32 * 32);
  });
});

describe('npm run teams:package', () => {
  it('writes a zip with exactly manifest.json, color.png and outline.png, with the app id filled in', () => {
    const run = runPackager({ MICROSOFT_APP_ID: TEST_APP_ID });
    expect(run.status, run.stderr).toBe(0);
    const entries = unzipSync(readFileSync(run.out));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const text = strFromU8(entries['manifest.json']!);
    expect(text).not.toContain('${{');
    const packaged = JSON.parse(text) as Manifest;
    expect(packaged).toEqual(manifest);
    expect(packaged.id).toBe(TEST_APP_ID);
    expect(packaged.bots[0]!.botId).toBe(TEST_APP_ID);
    for (const icon of ['color.png', 'outline.png']) {
      expect(Buffer.from(entries[icon]!).equals(readFileSync(path.join(APP_DIR, icon))), icon).toBe(true);
    }
  });

  it('exits 2 naming MICROSOFT_APP_ID when it is not set, and writes nothing', () => {
    const run = runPackager({});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('MICROSOFT_APP_ID');
    expect(existsSync(run.out)).toBe(false);
  });

  it('exits 2 when MICROSOFT_APP_ID is not a GUID', () => {
    const run = runPackager({ MICROSOFT_APP_ID: 'it-help-bot' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/MICROSOFT_APP_ID must be a GUID/);
    expect(existsSync(run.out)).toBe(false);
  });
});
