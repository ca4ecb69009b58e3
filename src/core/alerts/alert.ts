/** One alert of a notice: an instance of a rule firing or resolved (Alertmanager's and Grafana's `alerts[]`). */
export interface AlertInstance {
  /** The sender's id for the alert (its labels' hash); the generic format may leave it out. */
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  /** Where the sender shows it (generatorURL, a dashboard). */
  url: string | null;
}

/** A monitoring tool's notice about one alert group, whatever its format: what the core acts on. */
export interface AlertNotice {
  /** Which sender: "alertmanager", "grafana" or the generic payload's own name (lowercase letters, digits, -). */
  source: string;
  /** The sender's name for people ("Alertmanager", "Grafana", "Nagios"...): the ticket's requester. */
  sourceName: string;
  /** The group this notice is about: one ticket per group. */
  groupKey: string;
  /** "resolved" when every alert of the group is. */
  status: 'firing' | 'resolved';
  title: string;
  description: string;
  /** The severity label or field, as sent ("critical", "warning"...), or null. */
  severity: string | null;
  /** Labels common to the group's alerts. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: AlertInstance[];
  /** The sender's page for the group, or null. */
  url: string | null;
}

/** What is kept per alert group: the ticket it opened and what the last notice said. */
export interface AlertGroupRecord {
  key: string;
  source: string;
  groupKey: string;
  ticketKey: string;
  status: 'firing' | 'resolved';
  /** Fingerprints of the alerts firing at the last notice, sorted. */
  firing: string[];
  /** Notices that changed nothing worth a line in the ticket. */
  repeats: number;
  openedAt: Date;
  updatedAt: Date;
}

/**
 * Alert groups and their tickets. Notices of one group are handled one at a time (the inbox orders
 * them by group), so a read then a save is enough. Implementations: PrismaAlertGroups, MemoryAlertGroups.
 */
export interface AlertGroupStore {
  find(key: string): Promise<AlertGroupRecord | null>;
  /** Inserts or replaces the group's record. */
  save(record: AlertGroupRecord): Promise<void>;
}
