/** How the timers act around the SLA. Minutes are wall-clock minutes. */
export interface TimerSettings {
  /** Remind this long before a due time; undefined: the policy's "breaching soon" window. 0: never. */
  remindBeforeMinutes?: number;
  /** On a breach, escalate to the next tier (L2, L3, then the vendor) with a note saying why. */
  autoEscalate: boolean;
  /** Show an unclaimed ticket in its triage channel again after this long, and again after each further period. 0: never. */
  reannounceMinutes: number;
  /** Remind the requester of a ticket waiting on them after this long. 0: never. */
  nudgeWaitingMinutes: number;
  /** Close a ticket that has waited on the requester this long. 0: never. */
  closeWaitingMinutes: number;
}

export const defaultTimerSettings: TimerSettings = {
  autoEscalate: true,
  reannounceMinutes: 60,
  nudgeWaitingMinutes: 24 * 60,
  closeWaitingMinutes: 5 * 24 * 60,
};
