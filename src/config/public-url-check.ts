import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/** The documentation domains the shipped manifests use (example.com, .org, .net and subdomains). */
const EXAMPLE_HOST = /(^|\.)example\.(com|org|net)$/i;

/**
 * What an operator should hear at start in production: PUBLIC_URL unset or still a documentation
 * domain, or the Slack manifest (manifest.json in `dir`) still pointing at one while Slack runs
 * over HTTP. Outside production, nothing: the local chat and tests need no public URL.
 */
export function publicUrlWarnings(
  config: Pick<Config, 'nodeEnv' | 'publicUrl' | 'slack' | 'teams'>,
  dir = process.cwd(),
): string[] {
  if (config.nodeEnv !== 'production' || (!config.slack && !config.teams)) return [];
  const warnings: string[] = [];
  if (!config.publicUrl) {
    warnings.push(
      'PUBLIC_URL is unset: set it to the https URL where Slack and Teams reach the bot, then run npm run slack:manifest and/or teams:package',
    );
  } else if (EXAMPLE_HOST.test(new URL(config.publicUrl).hostname)) {
    warnings.push(
      `PUBLIC_URL still names ${new URL(config.publicUrl).hostname}, a documentation domain: Slack and Teams cannot reach the bot there`,
    );
  }
  if (config.slack && !config.slack.appToken) {
    let manifest: string | undefined;
    try {
      manifest = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
    } catch {
      manifest = undefined;
    }
    if (manifest && /"(?:url|request_url)"\s*:\s*"https?:\/\/([\w-]+\.)*example\.(com|org|net)[/"]/i.test(manifest)) {
      warnings.push(
        'manifest.json still sends Slack to an example.com URL: run npm run slack:manifest with PUBLIC_URL set and update the Slack app from it',
      );
    }
  }
  return warnings;
}
