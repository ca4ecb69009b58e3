// npm run slack:manifest [-- --out file]: writes PUBLIC_URL/slack/events into manifest.json's
// request URLs (event subscriptions, interactivity, the /helpdesk command), in place by default,
// keeping the rest of the file byte for byte. Paste the result into the Slack app's
// "App Manifest" page. Socket Mode (SLACK_APP_TOKEN) needs no public URL: the URLs are unused there.
//
// Exit codes: 0 written (or already current); 1 the manifest has not the expected URLs; 2 bad PUBLIC_URL or options.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isExampleHost, publicUrl } from './public-url.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');

function fail(code, message) {
  console.error(`slack:manifest: ${message}`);
  process.exit(code);
}

let values;
try {
  ({ values } = parseArgs({
    options: { in: { type: 'string' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(2, `${error.message}\nusage: node scripts/slack-manifest.mjs [--in manifest.json] [--out manifest.json]`);
}
const input = path.resolve(values.in ?? path.join(ROOT, 'manifest.json'));
const output = path.resolve(values.out ?? input);

const target = publicUrl();
if (target.error) fail(2, target.error);
if (!target.https)
  console.error('slack:manifest: warning: PUBLIC_URL is http; Slack sends requests to https URLs only.');
if (isExampleHost(target.host))
  console.error(`slack:manifest: warning: PUBLIC_URL still names ${target.host}, a documentation domain.`);
const events = `${target.url}/slack/events`;

const text = readFileSync(input, 'utf8');
// The three keys whose value is the bot's Slack endpoint; JSON.stringify escapes the new value.
const URL_KEY = /("(?:url|request_url)"\s*:\s*)"[^"]*"/g;
const count = [...text.matchAll(URL_KEY)].length;
if (count !== 3)
  fail(
    1,
    `${path.relative(ROOT, input)}: expected 3 request URLs (event subscriptions, interactivity, the slash command), found ${count}.`,
  );
const updated = text.replace(URL_KEY, (_match, key) => `${key}${JSON.stringify(events)}`);
const manifest = JSON.parse(updated);
const urls = [
  manifest.settings?.event_subscriptions?.request_url,
  manifest.settings?.interactivity?.request_url,
  ...(manifest.features?.slash_commands ?? []).map((c) => c.url),
];
if (urls.length !== 3 || urls.some((u) => u !== events))
  fail(1, `${path.relative(ROOT, input)}: the request URLs are not where a Slack manifest keeps them.`);
let current;
try {
  current = readFileSync(output, 'utf8');
} catch {
  current = undefined;
}
if (updated === current) {
  console.log(`${path.relative(process.cwd(), output) || output} already points at ${events}`);
} else {
  writeFileSync(output, updated);
  console.log(`wrote ${path.relative(process.cwd(), output) || output}: request URLs ${events}`);
}
