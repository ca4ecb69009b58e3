import type { PrismaClient } from './open-prisma.js';

/**
 * Pending items of the durable inbox and outbox by kind, for /metrics: one grouped count over the
 * (status, seq) index, whatever the queue's length.
 */
export function prismaQueueDepth(prisma: PrismaClient): () => Promise<Array<{ kind: string; pending: number }>> {
  return async () => {
    const rows = await prisma.queueItem.groupBy({ by: ['kind'], where: { status: 'pending' }, _count: { _all: true } });
    return rows.map((row) => ({ kind: row.kind, pending: row._count._all }));
  };
}
