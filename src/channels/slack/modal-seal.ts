import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ModalMetadata } from './block-kit.js';
import { modalMetadata } from './slack-payloads.js';

/** The sealed envelope as it comes back in private_metadata. */
const sealedShape = z.object({ m: z.string(), u: z.string(), s: z.string() });

/**
 * A modal's private_metadata, sealed: what we put in it (the requester, the thread, the ticket)
 * comes back with the submission, so it is signed with a key from the signing secret and bound
 * to the person who opened the modal. A submission with metadata we did not write, or from
 * someone else, is refused instead of opening a ticket for another requester in another channel.
 */
export function sealMetadata(secret: string, metadata: ModalMetadata, opener: string): string {
  const m = JSON.stringify(metadata);
  return JSON.stringify({ m, u: opener, s: mac(secret, m, opener) });
}

/** The metadata if it is ours and `submitter` opened the modal; null otherwise. */
export function openMetadata(secret: string, raw: string | undefined, submitter: string): ModalMetadata | null {
  try {
    const parsed = sealedShape.safeParse(JSON.parse(raw ?? ''));
    if (!parsed.success) return null;
    const sealed = parsed.data;
    const expected = Buffer.from(mac(secret, sealed.m, sealed.u), 'hex');
    const given = Buffer.from(sealed.s, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || sealed.u !== submitter) return null;
    const metadata = modalMetadata.safeParse(JSON.parse(sealed.m));
    return metadata.success ? metadata.data : null;
  } catch {
    return null;
  }
}

function mac(secret: string, metadata: string, opener: string): string {
  return createHmac('sha256', `helpdesk-modal:${secret}`).update(`${opener}\n${metadata}`).digest('hex');
}
