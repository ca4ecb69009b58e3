/**
 * How to reach a conversation later (proactive messages: a ticket's news to its requester, a card
 * to an escalation channel). Implementations: PrismaAddressBook, MemoryAddressBook.
 */
export interface AddressBook {
  put(key: string, channel: string, reference: Record<string, unknown>): Promise<void>;
  get(key: string): Promise<Record<string, unknown> | null>;
}
