/** Where a conversation lives in Slack: a workspace, a channel (or DM) and a thread. */
export interface SlackThreadRef {
  team: string;
  channel: string;
  threadTs: string;
}

/** "slack:T1:C1:1700000000.000100": one conversation per thread. */
export function slackConversationKey(ref: SlackThreadRef): string {
  return `slack:${ref.team}:${ref.channel}:${ref.threadTs}`;
}

export function parseSlackConversationKey(key: string | null | undefined): SlackThreadRef | null {
  const match = /^slack:([^:]+):([^:]+):(\d+\.\d+)$/.exec(key ?? '');
  return match ? { team: match[1]!, channel: match[2]!, threadTs: match[3]! } : null;
}
