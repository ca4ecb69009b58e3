import type { AddressBook, DeliveryLog, TicketThread, TicketThreadStore } from '../../core/tickets/ticket-threads.js';
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
    const row = await this.prisma.ticketThread.findUnique({ where: { channel_address_threadId: { channel, address, threadId } } });
    return row ? toThread(row) : null;
  }
}

function toThread(row: { ticketKey: string; channel: string; role: string; address: string; threadId: string; tier: string | null }): TicketThread {
  return {
    ticketKey: row.ticketKey,
    channel: row.channel,
    role: row.role as TicketThread['role'],
    address: row.address,
    threadId: row.threadId,
    tier: row.tier as Tier | null,
  };
}

const KEEP_DELIVERIES_MS = 24 * 60 * 60_000;

/** Delivery ids in a table with the id as primary key: the database decides who was first. */
export class PrismaDeliveryLog implements DeliveryLog {
  private lastPrune = 0;
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Answers in the order the calls were made. The channels acknowledge an event and then ask
   * here first, so this order is the order in which a conversation's messages reach the core.
   * On SQLite the queries complete without yielding and the order held by itself; on PostgreSQL
   * two inserts on two pooled connections finish in either order (and the first call after an
   * hour also prunes), so a quick second message would overtake the first.
   */
  firstDelivery(id: string): Promise<boolean> {
    const result = this.record(id);
    // Handled here at once: a failure that comes before the earlier calls finish would otherwise
    // be an unhandled rejection (it ended the process during a database outage).
    result.catch(() => undefined);
    const inOrder = this.previous.then(
      () => result,
      () => result,
    );
    this.previous = inOrder.catch(() => undefined);
    return inOrder;
  }

  private async record(id: string): Promise<boolean> {
    await this.prune();
    try {
      await this.prisma.delivery.create({ data: { id } });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return false;
      throw error;
    }
  }

  /** Retries come within minutes; a day of ids is plenty, and keeps the table small. */
  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60 * 60_000) return;
    this.lastPrune = now;
    await this.prisma.delivery.deleteMany({ where: { createdAt: { lt: new Date(now - KEEP_DELIVERIES_MS) } } });
  }
}

/** Conversation references as JSON, by key. */
export class PrismaAddressBook implements AddressBook {
  constructor(private readonly prisma: PrismaClient) {}

  async put(key: string, channel: string, reference: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(reference);
    await this.prisma.channelAddress.upsert({ where: { key }, create: { key, channel, reference: json }, update: { reference: json } });
  }

  async get(key: string): Promise<Record<string, unknown> | null> {
    const row = await this.prisma.channelAddress.findUnique({ where: { key } });
    return row ? parseJson<Record<string, unknown> | null>(row.reference, null) : null;
  }
}
