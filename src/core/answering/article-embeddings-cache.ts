import type { Article } from '../knowledge/article.js';
import { sealBytes, unsealBytes } from '../sealed-bytes.js';
import { embedArticles, phrasingsOf, type ArticleEmbeddings } from './answer-engine.js';
import { fieldHash, type TrainedModelCache } from './model-cache.js';
import type { SentenceEncoder } from './sentence-encoder.js';

/** Raise when the bytes' layout or how a centroid is made from the phrasings (embedArticles) changes. */
const FORMAT = 'article-embeddings/1';

/**
 * embedArticles, kept whole in the model cache: each article's centroid, under the SHA-256 of the
 * format, the encoder's name, weights and size, and every article's id and phrasings, in order (as the
 * phrasings' embedding cache keys by the encoder's name, weights and the text). A restart with the same articles
 * reads 150 centroids instead of 15,000 phrasings' vectors (CLINC150's size: about 0.3 s of CPU),
 * and needs no encoder for it: the model loads after the bot is ready (see encoder-registry.ts).
 * An entry that cannot be read back is dropped and the articles embedded as before.
 */
export async function cachedArticleEmbeddings(
  articles: readonly Article[],
  /** Embeds the phrasings (the phrasings' own cache, in the service). */
  encoder: SentenceEncoder,
  /** Embeds the questions (the model itself). */
  questionEncoder: SentenceEncoder,
  cache: TrainedModelCache | undefined,
): Promise<ArticleEmbeddings> {
  const embed = () => embedArticles(articles, encoder, questionEncoder);
  if (!cache) return embed();
  const key = embeddingsKey(articles, questionEncoder);
  const bytes = await cache.get(key).catch(() => null);
  if (bytes) {
    try {
      return { ...decode(unsealBytes(FORMAT, bytes), questionEncoder.dimensions), encoder: questionEncoder };
    } catch {
      await cache.drop(key).catch(() => {});
    }
  }
  const embeddings = await embed();
  // Only a whole set: an article without a centroid (an encoder that gave no vectors) is not kept.
  if (embeddings.centroids.size === articles.length)
    await cache.put(key, sealBytes(FORMAT, encode(embeddings, questionEncoder.dimensions))).catch(() => {});
  return embeddings;
}

function embeddingsKey(articles: readonly Article[], encoder: SentenceEncoder): string {
  const { field, digest } = fieldHash();
  field(FORMAT);
  field(encoder.name);
  field(encoder.weights ?? '');
  field(String(encoder.dimensions));
  field(String(articles.length));
  for (const article of articles) {
    const phrasings = phrasingsOf(article);
    field(article.id);
    field(String(phrasings.length));
    for (const text of phrasings) field(text);
  }
  return `embeddings-${digest()}`;
}

/** A JSON header (the ids, in the order of the centroids), then the float32s. */
function encode(embeddings: Omit<ArticleEmbeddings, 'encoder'>, dimensions: number): Uint8Array {
  const ids = [...embeddings.centroids.keys()];
  const header = Buffer.from(JSON.stringify({ dimensions, ids }), 'utf8');
  // The vectors start at a multiple of 4, so they are read where they lie.
  const vectorsAt = 4 + header.length + ((4 - ((4 + header.length) % 4)) % 4);
  const out = new Uint8Array(vectorsAt + 4 * dimensions * ids.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  const floats = new Float32Array(out.buffer, vectorsAt);
  [...embeddings.centroids.values()].forEach((vector, row) => {
    if (vector.length !== dimensions) throw new Error(`a vector of ${vector.length} dimensions, not ${dimensions}`);
    floats.set(vector, row * dimensions);
  });
  return out;
}

function decode(payload: Uint8Array, dimensions: number): Omit<ArticleEmbeddings, 'encoder'> {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(Buffer.from(payload.subarray(4, 4 + headerLength)).toString('utf8')) as {
    dimensions: number;
    ids: string[];
  };
  if (header.dimensions !== dimensions) throw new Error(`${header.dimensions} dimensions, not ${dimensions}`);
  const rows = header.ids.length;
  const vectorsAt = 4 + headerLength + ((4 - ((4 + headerLength) % 4)) % 4);
  if (payload.length !== vectorsAt + 4 * dimensions * rows) throw new Error('not as long as its header says');
  // Copied out of the file's bytes (which may not be aligned in memory): one vector per row.
  const floats = new Float32Array(rows * dimensions);
  new Uint8Array(floats.buffer).set(payload.subarray(vectorsAt));
  const row = (r: number) => floats.subarray(r * dimensions, (r + 1) * dimensions);
  return { centroids: new Map(header.ids.map((id, r) => [id, row(r)])) };
}
