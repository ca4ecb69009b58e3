import { crc32 } from 'node:zlib';

/** Bytes that are not a whole entry of the expected format: cut short, changed, or written by another version. */
export class SealedBytesError extends Error {
  override readonly name = 'SealedBytesError';
}

const MAGIC = [0x48, 0x44, 0x43, 0x31]; // "HDC1"

/**
 * Data derived from the knowledge base and kept in a cache (parsed articles, the articles'
 * embeddings) as bytes: "HDC1", the format's name (which says what the bytes are and which
 * version of the code wrote them), the payload and a CRC-32 of all that, so that a file cut short
 * or damaged is refused whole rather than half read (a CRC guards against damage, not forgery,
 * as for the trained models).
 */
export function sealBytes(format: string, payload: Uint8Array): Uint8Array {
  const { out, view, payloadAt } = sealedHeader(format, payload.length);
  out.set(payload, payloadAt);
  const end = payloadAt + payload.length;
  view.setUint32(end, crc32(out.subarray(0, end)), true);
  return out;
}

/** The bytes of a sealed entry with its header written ("HDC1", the format's name, the payload's length). */
function sealedHeader(format: string, payloadLength: number): { out: Uint8Array; view: DataView; payloadAt: number } {
  const name = Buffer.from(format, 'utf8');
  const out = new Uint8Array(4 + 4 + name.length + 4 + payloadLength + 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, name.length, true);
  out.set(name, 8);
  view.setUint32(8 + name.length, payloadLength, true);
  return { out, view, payloadAt: 8 + name.length + 4 };
}

/** What sealBytesPaced copies and checksums between two turns of the event loop. */
const SEAL_SLICE_BYTES = 1 << 20;

/**
 * sealBytes giving the event loop a turn (`pace`) between slices of a megabyte: the same bytes. A
 * large knowledge base's parsed files are tens of MB, copied and checksummed in one go for 0.1 s.
 */
export async function sealBytesPaced(
  format: string,
  payload: Uint8Array,
  pace: () => Promise<void>,
): Promise<Uint8Array> {
  const { out, view, payloadAt } = sealedHeader(format, payload.length);
  let crc = crc32(out.subarray(0, payloadAt));
  for (let from = 0; from < payload.length; from += SEAL_SLICE_BYTES) {
    const slice = payload.subarray(from, from + SEAL_SLICE_BYTES);
    out.set(slice, payloadAt + from);
    crc = crc32(slice, crc);
    await pace();
  }
  view.setUint32(payloadAt + payload.length, crc, true);
  return out;
}

/** The payload of `sealBytes(format, payload)`; throws SealedBytesError for anything else. */
export function unsealBytes(format: string, bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) throw new SealedBytesError('not a cache entry');
  const nameLength = view.getUint32(4, true);
  if (8 + nameLength + 8 > bytes.length) throw new SealedBytesError('cut short');
  const name = Buffer.from(bytes.buffer, bytes.byteOffset + 8, nameLength).toString('utf8');
  if (name !== format) throw new SealedBytesError(`format ${name}, not ${format}`);
  const at = 8 + nameLength;
  const length = view.getUint32(at, true);
  const end = at + 4 + length;
  if (end + 4 !== bytes.length) throw new SealedBytesError('cut short or too long');
  if (crc32(bytes.subarray(0, end)) !== view.getUint32(end, true)) throw new SealedBytesError('checksum mismatch');
  return bytes.subarray(at + 4, end);
}
