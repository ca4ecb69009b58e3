import { articleFrontMatterSchema, type Article, type ArticleProblem } from './article.js';
import { firstProblems, parseKbYaml } from './parse-kb-yaml.js';

export type ParseArticleResult = { ok: true; article: Article } | { ok: false; problems: ArticleProblem[] };

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
/** Larger files are refused unread (knowledge-base.ts) or unparsed (here). */
export const MAX_ARTICLE_BYTES = 512 * 1024;
/**
 * The `yaml` package reads about 250 KB a second, on the event loop the bot answers from; real
 * front matter is under 1 KB, a long list of phrasings a few KB.
 */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

/**
 * Parses one markdown article. The front matter is read by parseKbYaml: plain data only, so a
 * hostile file cannot run anything, and bounded, so it cannot exhaust the bot either.
 */
export function parseArticle(source: string, file: string): ParseArticleResult {
  const problem = (field: string, message: string, line?: number): ParseArticleResult => ({
    ok: false,
    problems: [{ file, field, message, ...(line === undefined ? {} : { line }) }],
  });

  if (Buffer.byteLength(source) > MAX_ARTICLE_BYTES) {
    return problem('file', `article is larger than ${MAX_ARTICLE_BYTES / 1024} KiB`);
  }
  const match = FRONT_MATTER.exec(source);
  if (!match) {
    return problem('front matter', 'the file must start with YAML front matter between two "---" lines', 1);
  }
  const yamlText = match[1] ?? '';
  if (Buffer.byteLength(yamlText) > MAX_FRONT_MATTER_BYTES) {
    return problem('front matter', `is larger than ${MAX_FRONT_MATTER_BYTES / 1024} KiB`, 1);
  }
  const yaml = parseKbYaml(yamlText);
  if (!yaml.ok) {
    return {
      ok: false,
      // +1: the opening "---" line precedes the YAML.
      problems: yaml.problems.map(({ message, line }) => ({ file, field: 'front matter', message, line: line + 1 })),
    };
  }
  const data = yaml.data;
  const parsed = articleFrontMatterSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const keyLines = topLevelKeyLines(yamlText);
    return {
      ok: false,
      problems: firstProblems(
        parsed.error.issues,
        (issue): ArticleProblem => {
          const field = issue.path.length > 0 ? issue.path.join('.') : 'front matter';
          const message =
            issue.code === 'unrecognized_keys'
              ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
              : issue.message;
          const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0];
          const line = typeof key === 'string' ? keyLines.get(key) : undefined;
          return {
            file,
            field: issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? field) : field,
            message,
            ...(line ? { line } : {}),
          };
        },
        (message) => ({ file, field: 'front matter', message }),
      ),
    };
  }
  const fm = parsed.data;
  const body = source.slice(match[0].length).trim();
  const answer = answerSection(body);
  if (!answer) {
    return problem('body', 'no answer: add a "## Answer" section (or a first paragraph) with what the bot should say');
  }
  return {
    ok: true,
    article: {
      id: fm.id,
      title: fm.title,
      questions: fm.questions,
      tags: fm.tags,
      category: fm.category,
      owner: fm.owner,
      updated: fm.updated,
      ...(fm.audience ? { audiences: fm.audience } : {}),
      ...(fm.script ? { script: fm.script } : {}),
      ...(fm.escalate_to ? { escalateTo: fm.escalate_to } : {}),
      ...(fm.review_by ? { reviewBy: fm.review_by } : {}),
      ...(fm.threshold !== undefined ? { threshold: fm.threshold } : {}),
      ...(fm.lang ? { lang: fm.lang } : {}),
      ...(fm.translation_of ? { translationOf: fm.translation_of } : {}),
      ...(fm.outside ? { outside: true as const } : {}),
      answer,
      body,
      path: file,
    },
  };
}

/** The text under "## Answer", or else the text before the first "## " heading (minus the title). */
export function answerSection(body: string): string {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((line) => /^##\s+answer\s*$/i.test(line.trim()));
  if (start >= 0) {
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((line) => /^#{1,2}\s/.test(line));
    return (end >= 0 ? rest.slice(0, end) : rest).join('\n').trim();
  }
  const end = lines.findIndex((line) => /^##\s/.test(line));
  return (end >= 0 ? lines.slice(0, end) : lines)
    .filter((line) => !/^#\s/.test(line))
    .join('\n')
    .trim();
}

/** Line of each top-level "key:" in the front matter, read once (a line per problem was quadratic). */
function topLevelKeyLines(yamlText: string): Map<string, number> {
  const lines = new Map<string, number>();
  yamlText.split(/\r?\n/).forEach((line, index) => {
    const key = /^([^\s:#][^:]*):/.exec(line)?.[1];
    // +2: the opening "---" line precedes the YAML, and lines count from 1.
    if (key !== undefined && !lines.has(key)) lines.set(key, index + 2);
  });
  return lines;
}
