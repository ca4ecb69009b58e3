import type { AddressBook } from '../../core/conversation/address-book.js';
import type { TicketThread, TicketThreadStore } from '../../core/tickets/ticket-thread-store.js';
import { Outage, throughJson } from './outage.js';

/** Where tickets were posted, in memory, as PrismaTicketThreadStore keeps it: for core tests. */
export class MemoryTicketThreadStore implements TicketThreadStore {
  private readonly threads: TicketThread[] = [];

  constructor(private readonly outage = new Outage()) {}

  async add(thread: TicketThread): Promise<void> {
    this.outage.check();
    // Unique on (channel, address, threadId): recording the same place again changes nothing.
    if (this.at(thread.channel, thread.address, thread.threadId)) return;
    this.threads.push({
      ticketKey: thread.ticketKey,
      channel: thread.channel,
      role: thread.role,
      address: thread.address,
      threadId: thread.threadId,
      tier: thread.tier ?? null,
    });
  }

  async ofTicket(ticketKey: string): Promise<TicketThread[]> {
    this.outage.check();
    return this.threads.filter((t) => t.ticketKey === ticketKey).map((t) => ({ ...t }));
  }

  async find(channel: string, address: string, threadId: string): Promise<TicketThread | null> {
    this.outage.check();
    const thread = this.at(channel, address, threadId);
    return thread ? { ...thread } : null;
  }

  private at(channel: string, address: string, threadId: string): TicketThread | undefined {
    return this.threads.find((t) => t.channel === channel && t.address === address && t.threadId === threadId);
  }
}

/** Conversation references in memory, as PrismaAddressBook keeps them: for core tests. */
export class MemoryAddressBook implements AddressBook {
  private readonly references = new Map<string, { channel: string; reference: string }>();

  constructor(private readonly outage = new Outage()) {}

  async put(key: string, channel: string, reference: Record<string, unknown>): Promise<void> {
    this.outage.check();
    const json = JSON.stringify(reference);
    const existing = this.references.get(key);
    // The channel is the one the key was first stored with, as the upsert updates the reference only.
    this.references.set(key, { channel: existing?.channel ?? channel, reference: json });
  }

  async get(key: string): Promise<Record<string, unknown> | null> {
    this.outage.check();
    const row = this.references.get(key);
    return row ? throughJson(JSON.parse(row.reference) as Record<string, unknown> | null) : null;
  }
}
