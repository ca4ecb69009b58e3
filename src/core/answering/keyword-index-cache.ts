import { codeFingerprint } from '../code-fingerprint.js';
import { sealBytesPaced, unsealBytes } from '../sealed-bytes.js';
import { KeywordIndex, type KeywordDocument } from './keyword-index.js';
import { fieldHash, type TrainedModelCache } from './model-cache.js';
import type { TextAnalyzer } from './text-analyzer.js';
import { EXAMPLES_PER_STEP, pacer, runStepsPaced, type Pacing, type Steps } from './time-slicing.js';

/** Raise when what the key covers changes in a way the code fingerprint does not see. */
const FORMAT = 'keyword-index/1';
/** The modules whose code decides what an index holds: the index, its typo index, the text analysis. */
const INDEX_MODULES = [
  'keyword-index',
  'fuzzy-index',
  'text-analyzer',
  'stopwords',
  'synonyms',
  '../language/analysis-profiles',
];
/** The packages the text analysis stems and drops stopwords with. */
const INDEX_PACKAGES = ['stemmer', 'snowball-stemmers', 'stopword'];

/**
 * KeywordIndex.build, kept whole in the model cache (the BM25 postings and the typo index,
 * CLINC150's size: about 0.14 s of CPU at a start, where the code is not yet optimised), under
 * the SHA-256 of the format, the code that builds it (codeFingerprint), the analyzer's settings
 * (TextAnalyzer.fingerprint) and every document's id and fields in order. An entry that cannot be
 * read back (cut short, changed, not ours) is dropped and the index built and kept again.
 */
export async function cachedKeywordIndex(
  documents: readonly KeywordDocument[],
  fields: readonly string[],
  analyzer: TextAnalyzer,
  cache: TrainedModelCache | undefined,
  /** Which engine's index this is ("answer", "answer-de", "triggers"): the cache keeps the newest few of each. */
  modelKind = 'answer',
  pacing: Pacing = {},
): Promise<KeywordIndex> {
  const build = () => runStepsPaced(KeywordIndex.build(documents, fields, analyzer), pacing);
  if (!cache) return build();
  const digest = await runStepsPaced(keywordIndexKeySteps(documents, fields, analyzer), pacing);
  const key = `keywords${modelKind.replace(/[^a-z]/g, '')}-${digest}`;
  const bytes = await cache.get(key).catch(() => null);
  if (bytes) {
    try {
      const index = KeywordIndex.fromBytes(unsealBytes(FORMAT, bytes));
      if (index.size !== documents.length) throw new Error(`${index.size} documents, not ${documents.length}`);
      return index;
    } catch {
      await cache.drop(key).catch(() => {});
    }
  }
  const index = await build();
  await cache.put(key, await sealBytesPaced(FORMAT, index.toBytes(), pacer(pacing))).catch(() => {});
  return index;
}

/**
 * The SHA-256 the index of these documents is kept under (see cachedKeywordIndex), as steps (a
 * step per 64 documents): 10,000 articles' bodies are 20 MB to hash.
 */
function* keywordIndexKeySteps(
  documents: readonly KeywordDocument[],
  fields: readonly string[],
  analyzer: TextAnalyzer,
): Steps<string> {
  const { field, digest } = fieldHash();
  field(FORMAT);
  field(codeFingerprint(import.meta.url, INDEX_MODULES, INDEX_PACKAGES));
  field(analyzer.fingerprint());
  field(String(fields.length));
  for (const name of fields) field(name);
  field(String(documents.length));
  let seen = 0;
  for (const document of documents) {
    field(document.id);
    field(String(document.fields.length));
    for (const text of document.fields) field(text);
    if (++seen % EXAMPLES_PER_STEP === 0) yield;
  }
  return digest();
}
