import type { AlertGroupRecord, AlertGroupStore } from '../../core/alerts/alert.js';
import { Outage } from './outage.js';

/** Alert groups in memory, for core tests (held to PrismaAlertGroups by test/store/port-contracts.test.ts). */
export class MemoryAlertGroups implements AlertGroupStore {
  private readonly groups = new Map<string, AlertGroupRecord>();

  constructor(private readonly outage = new Outage()) {}

  async find(key: string): Promise<AlertGroupRecord | null> {
    this.outage.check();
    const record = this.groups.get(key);
    return record ? copy(record) : null;
  }

  async save(record: AlertGroupRecord): Promise<void> {
    this.outage.check();
    this.groups.set(record.key, copy(record));
  }
}

function copy(record: AlertGroupRecord): AlertGroupRecord {
  return {
    ...record,
    firing: [...record.firing],
    openedAt: new Date(record.openedAt),
    updatedAt: new Date(record.updatedAt),
  };
}
