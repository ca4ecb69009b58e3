import type { Article } from './article.js';
import { lineLinkTargets, resolveArticleLink } from './kb-lint-links.js';

/**
 * An article's answer as one reader may be given it: every line that links to an article they may
 * not be given (another audience's, see audience.ts) is left out, so that an answer for everyone
 * never names or links what is kept from them ("only slow with the VPN on? see [VPN
 * troubleshooting](vpn-troubleshooting.md)" for someone outside the VPN's audience). `at` finds an
 * article by its path in the knowledge base; `hidden` says whether the reader may not be given it.
 * A link to a path no article has is kept (kb:lint reports it).
 */
export function visibleAnswer(
  article: Article,
  at: (path: string) => Article | undefined,
  hidden: (target: Article) => boolean,
): string {
  const lines = article.answer.split('\n');
  const kept = lines.filter((line) =>
    lineLinkTargets(line).every((target) => {
      const resolved = resolveArticleLink(article.path, target);
      const linked = resolved && 'path' in resolved ? at(resolved.path) : undefined;
      return !linked || !hidden(linked);
    }),
  );
  return kept.length === lines.length ? article.answer : kept.join('\n');
}
