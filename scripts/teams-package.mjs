// Builds the Microsoft Teams app package to upload (Teams admin centre, or "Upload a custom app"):
// a zip with manifest.json, color.png and outline.png at its root.
//
//   MICROSOFT_APP_ID=<bot app id> npm run teams:package [-- --out path/to/teams-app.zip]
//
// Steps: read appPackage/manifest.json, replace ${{NAME}} placeholders (Teams Toolkit style)
// from the environment, validate the result against the Teams manifest schema kept in
// test/fixtures/schemas/, check the icon sizes, and write the zip (default dist/teams-app.zip).
//
// Exit codes: 0 written; 1 the manifest or an icon is invalid; 2 bad arguments or environment
// (MICROSOFT_APP_ID unset or not a GUID, another placeholder unset, unknown option).
import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { strToU8, zipSync } from 'fflate';
import { URL } from 'node:url';
import { isExampleHost, publicUrl } from './public-url.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const APP_DIR = path.join(ROOT, 'appPackage');
const SCHEMA_FILE = path.join(ROOT, 'test/fixtures/schemas/teams-app-manifest.v1.30.schema.json');
const DEFAULT_OUT = path.join(ROOT, 'dist/teams-app.zip');
/** Where appPackage/manifest.json's links and valid domain point until PUBLIC_URL replaces them. */
const TEMPLATE_ORIGIN = 'https://helpdesk.example.com';

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Pixel sizes Teams requires for each icon the manifest can name. */
const ICON_SIZES = { color: 192, outline: 32, color32x32: 32 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Fixed entry timestamps, so the same inputs give the same zip bytes. */
const ZIP_MTIME = new Date(2000, 0, 1);

function fail(code, message) {
  console.error(`teams:package: ${message}`);
  process.exit(code);
}

function options() {
  try {
    const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
    return { out: path.resolve(values.out ?? DEFAULT_OUT) };
  } catch (err) {
    return fail(2, `${err.message}\nusage: node scripts/teams-package.mjs [--out <file.zip>]`);
  }
}

/** Replaces every ${{NAME}} in the manifest text with the JSON-escaped value of the environment variable NAME. */
function substitute(text, env) {
  const names = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
  for (const name of names) {
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      fail(
        2,
        `environment variable ${name} is not set (appPackage/manifest.json uses \${{${name}}}).` +
          (name === 'MICROSOFT_APP_ID'
            ? " Set it to the bot's Microsoft App ID (a GUID) from its Azure Bot registration."
            : ''),
      );
    }
    if (name === 'MICROSOFT_APP_ID' && !GUID.test(value.trim())) {
      fail(
        2,
        `MICROSOFT_APP_ID must be a GUID like 00000000-0000-0000-0000-000000000000, got ${JSON.stringify(value)}.`,
      );
    }
  }
  return text.replace(PLACEHOLDER, (_match, name) => JSON.stringify(env[name].trim()).slice(1, -1));
}

function validator() {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  // The schema declares draft-04, whose meta-schema Ajv 8 does not ship. It uses no draft-04-only
  // keyword forms (boolean exclusiveMinimum/Maximum, `id`), so we drop `$schema` and let Ajv's
  // default (draft-07) class check it and compile it. strict: false because it has keywords
  // Ajv's strict mode flags (e.g. `type` next to `$ref`).
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return { ajv, validate: ajv.compile(schema) };
}

/** Width, height and colour type from a PNG's IHDR chunk. */
function pngHeader(buffer, file) {
  if (
    buffer.length < 33 ||
    !buffer.subarray(0, 8).equals(PNG_SIGNATURE) ||
    buffer.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    fail(1, `appPackage/${file} is not a PNG file.`);
  }
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20), colorType: buffer[25] };
}

function readIcons(manifest) {
  const files = {};
  for (const [key, size] of Object.entries(ICON_SIZES)) {
    const file = manifest.icons?.[key];
    if (file === undefined) continue;
    if (file !== path.basename(file))
      fail(1, `icons.${key} must name a file at the package root, got ${JSON.stringify(file)}.`);
    let png;
    try {
      png = readFileSync(path.join(APP_DIR, file));
    } catch {
      fail(1, `icons.${key} names appPackage/${file}, which cannot be read.`);
    }
    const { width, height, colorType } = pngHeader(png, file);
    if (width !== size || height !== size)
      fail(1, `appPackage/${file} (icons.${key}) must be ${size}x${size} pixels, it is ${width}x${height}.`);
    // Greyscale+alpha or RGBA: the outline and the 32x32 colour icon need a transparent background.
    if (key !== 'color' && colorType !== 4 && colorType !== 6)
      fail(1, `appPackage/${file} (icons.${key}) needs an alpha channel.`);
    files[file] = png;
  }
  return files;
}

/**
 * The template's https://helpdesk.example.com links (developer pages) and its valid domain become
 * PUBLIC_URL's; without PUBLIC_URL they stay, with a warning.
 */
function withPublicUrl(text) {
  const target = publicUrl();
  if (target.error) {
    console.error(`teams:package: warning: ${target.error.replace(/\.$/, '')}; the package keeps ${TEMPLATE_ORIGIN}.`);
    return text;
  }
  if (isExampleHost(target.host))
    console.error(`teams:package: warning: PUBLIC_URL still names ${target.host}, a documentation domain.`);
  const host = new URL(TEMPLATE_ORIGIN).host;
  return text
    .replaceAll(`${TEMPLATE_ORIGIN}`, target.url)
    .replaceAll(JSON.stringify(host), JSON.stringify(target.host));
}

const { out } = options();
const manifestText = withPublicUrl(substitute(readFileSync(path.join(APP_DIR, 'manifest.json'), 'utf8'), process.env));
const manifest = JSON.parse(manifestText);

const { ajv, validate } = validator();
if (!validate(manifest)) {
  fail(
    1,
    `appPackage/manifest.json does not match the Teams manifest schema v${manifest.manifestVersion}:\n${ajv.errorsText(validate.errors, { separator: '\n', dataVar: 'manifest' })}`,
  );
}

const entries = { 'manifest.json': strToU8(manifestText), ...readIcons(manifest) };
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, zipSync(entries, { level: 9, mtime: ZIP_MTIME }));
const shown = path.relative(process.cwd(), out);
console.log(
  `wrote ${shown.startsWith('..') ? out : shown} (${Object.keys(entries).join(', ')}; app id ${manifest.id})`,
);
