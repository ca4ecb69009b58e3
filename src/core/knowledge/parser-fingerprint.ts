import { codeFingerprint } from '../code-fingerprint.js';

/** The modules whose code decides what a file parses to (parseArticle and what it imports of ours). */
const PARSER_MODULES = ['parse-article', 'article', 'parse-kb-yaml', 'audience'];
/** The packages they parse and check with. */
const PARSER_PACKAGES = ['yaml', 'zod'];

/**
 * A hash of the parser's own source (these modules as this process runs them: the .ts files under
 * tsx, the compiled .js in dist/) and of the yaml and zod versions installed: kept parses are
 * keyed by it, so any change to how articles are parsed makes a start parse them again, with no
 * version number to remember to raise. Read once per process (a few small files).
 */
export function parserFingerprint(): string {
  return codeFingerprint(import.meta.url, PARSER_MODULES, PARSER_PACKAGES);
}
