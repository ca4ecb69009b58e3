// PUBLIC_URL for the manifest commands: from the environment, else from .env in the working
// directory (as the bot reads it: a variable already set wins), checked to be an http(s) origin
// with an optional path prefix.
import { URL } from 'node:url';

/** The PUBLIC_URL as an URL without a trailing slash, or an error message. */
export function publicUrl(env = process.env) {
  if (env.PUBLIC_URL === undefined) {
    try {
      process.loadEnvFile('.env');
    } catch (error) {
      if (error.code !== 'ENOENT') return { error: `cannot read .env: ${error.message}` };
    }
  }
  const raw = (env.PUBLIC_URL ?? '').trim();
  if (!raw)
    return {
      error:
        'PUBLIC_URL is not set: set it to the https URL where Slack and Teams reach the bot, like https://helpdesk.example.org (in the environment or .env).',
    };
  let url;
  try {
    url = new URL(raw);
  } catch {
    return { error: `PUBLIC_URL is not a URL: ${JSON.stringify(raw)}.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { error: `PUBLIC_URL must be an https URL, got ${JSON.stringify(raw)}.` };
  if (url.search || url.hash || url.username || url.password)
    return {
      error: `PUBLIC_URL must be a plain URL without query, fragment or credentials, got ${JSON.stringify(raw)}.`,
    };
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return { url: base, host: url.hostname, https: url.protocol === 'https:' };
}

/** True for the documentation domains the shipped manifests use (example.com, .org, .net and their subdomains). */
export function isExampleHost(host) {
  return /(^|\.)example\.(com|org|net)$/i.test(host);
}
