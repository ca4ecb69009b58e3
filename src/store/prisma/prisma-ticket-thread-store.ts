import type { AddressBook } from '../../core/conversation/address-book.js';
import type { TicketThread, TicketThreadStore } from '../../core/tickets/ticket-thread-store.js';
import { parseJson } from './json-column.js';
import type { Tier } from '../../core/tickets/ticket.js';
import type { PrismaClient } from './open-prisma.js';

/** Where tickets were posted in chats. */
export class PrismaTicketThreadStore implements TicketThreadStore {
  constructor(private readonly prisma: PrismaClient) {}

  async add(thread: TicketThread): Promise<void> {
    const { channel, address, threadId } = thread;
    await this.prisma.ticketThread.upsert({
      where: { channel_address_threadId: { channel, address, threadId } },
      create: thread,
      update: {},
    });
  }

  async ofTicket(ticketKey: string): Promise<TicketThread[]> {
    const rows = await this.prisma.ticketThread.findMany({ where: { ticketKey }, orderBy: { id: 'asc' } });
    return rows.map(toThread);
  }

  async find(channel: string, address: string, threadId: string): Promise<TicketThread | null> {
    const row = await this.prisma.ticketThread.findUnique({
      where: { channel_address_threadId: { channel, address, threadId } },
    });
    return row ? toThread(row) : null;
  }
}

function toThread(row: {
  ticketKey: string;
  channel: string;
  role: string;
  address: string;
  threadId: string;
  tier: string | null;
}): TicketThread {
  return {
    ticketKey: row.ticketKey,
    channel: row.channel,
    role: row.role as TicketThread['role'],
    address: row.address,
    threadId: row.threadId,
    tier: row.tier as Tier | null,
  };
}

/** Conversation references as JSON, by key. */
export class PrismaAddressBook implements AddressBook {
  constructor(private readonly prisma: PrismaClient) {}

  async put(key: string, channel: string, reference: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(reference);
    await this.prisma.channelAddress.upsert({
      where: { key },
      create: { key, channel, reference: json },
      update: { reference: json },
    });
  }

  async get(key: string): Promise<Record<string, unknown> | null> {
    const row = await this.prisma.channelAddress.findUnique({ where: { key } });
    return row ? parseJson<Record<string, unknown> | null>(row.reference, null) : null;
  }
}
