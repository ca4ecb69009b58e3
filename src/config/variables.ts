import type { EnvVariable } from './config.js';

/** What .env.example says of a variable: its section, one line of meaning, and its default when the schema has none. */
export interface VariableDoc {
  section: Section;
  meaning: string;
  /** For variables the schema leaves optional: what unset means. A schema `.default()` is read from the schema instead. */
  unset?: string;
  /** An example value written into .env.example instead of an empty one (never a real secret). */
  example?: string;
}

export const sections = [
  'Service',
  'Data and knowledge base',
  'Answers and tickets',
  'Operators',
  'Slack',
  'Microsoft Teams',
  'Monitoring alerts',
] as const;
export type Section = (typeof sections)[number];

/**
 * One line per variable of the zod schema in config.ts, the source of .env.example
 * (`npm run env:example`). `satisfies` makes a variable added to the schema without a line here a
 * type error, and test/config/env-example.test.ts fails when the checked-in file falls behind.
 */
export const variableDocs = {
  NODE_ENV: {
    section: 'Service',
    meaning:
      'development, production or test; production refuses unauthenticated endpoints (Teams without an app id, alerts, reports and /metrics without a token).',
  },
  LOG_LEVEL: {
    section: 'Service',
    meaning: 'pino level (fatal, error, warn, info, debug, trace, silent); JSON logs on standard error.',
    unset: 'warn in the local chat, info in the service',
  },
  PORT: {
    section: 'Service',
    meaning: 'HTTP port of the service: /healthz, /metrics, /reports, POST /slack/events, /api/messages, /api/alerts.',
  },
  HOST: {
    section: 'Service',
    meaning: 'Address the service listens on.',
    unset:
      '0.0.0.0 (every interface); 127.0.0.1 when Teams runs unauthenticated (TEAMS_ENABLED without MICROSOFT_APP_ID)',
  },
  PUBLIC_URL: {
    section: 'Service',
    meaning:
      'Where Slack and Teams reach the bot (https); npm run slack:manifest and teams:package write it into the manifests.',
    unset: 'unset (a warning in production)',
    example: 'https://helpdesk.example.org',
  },
  DATABASE_URL: {
    section: 'Data and knowledge base',
    meaning: 'file:/path/to.db (SQLite) or postgres://user:password@host:5432/database[?schema=name].',
    unset: '$DATA_DIR/helpdesk.db',
  },
  DATA_DIR: {
    section: 'Data and knowledge base',
    meaning: 'Where the default SQLite database and the encoder and trained model caches live.',
  },
  KB_DIR: { section: 'Data and knowledge base', meaning: 'The folder of markdown articles (and scripts/).' },
  KB_BASE_URL: {
    section: 'Data and knowledge base',
    meaning: 'Base URL for "full article" links, e.g. your git host\'s blob URL of the folder.',
    unset: 'links are repository paths',
  },
  DEFAULT_LANGUAGE: {
    section: 'Data and knowledge base',
    meaning: 'Language of articles without `lang:` and of questions whose language is unclear (two letters).',
    unset: 'en',
  },
  KB_WATCH: {
    section: 'Data and knowledge base',
    meaning: '0 stops reloading the knowledge base when its files change.',
  },
  DATABASE_POOL_SIZE: {
    section: 'Data and knowledge base',
    meaning: 'PostgreSQL connections per process (2-100); keep it above WORK_CONCURRENCY.',
  },
  ANSWER_THRESHOLD: {
    section: 'Answers and tickets',
    meaning: 'Confidence (0-1) needed to answer outright.',
    unset:
      'fitted for the ENCODER on the bundled knowledge base (0.295 without one, 0.285 with use-lite; fit your own with npm run kb:fit)',
  },
  SUGGEST_THRESHOLD: {
    section: 'Answers and tickets',
    meaning: 'Confidence (0-1) needed to offer "did you mean" choices.',
    unset:
      'fitted for the ENCODER on the bundled knowledge base (0.07 without one, 0.21 with use-lite; fit your own with npm run kb:fit)',
  },
  ENCODER: {
    section: 'Answers and tickets',
    meaning: "use-lite (sentence encoder for unsure questions) or none (the articles' words alone).",
    unset: 'use-lite, or none with a warning if its model cannot load',
  },
  TICKET_KEY_PREFIX: { section: 'Answers and tickets', meaning: 'Ticket keys look like HD-1001.' },
  TICKET_DEFAULT_TIER: {
    section: 'Answers and tickets',
    meaning: 'Tier of new tickets when the article names none (L1-L4).',
  },
  SLA_FILE: {
    section: 'Answers and tickets',
    meaning: 'YAML SLA calendar and targets (config/sla.example.yaml).',
    unset: 'wall-clock defaults',
  },
  ROUTING_FILE: {
    section: 'Answers and tickets',
    meaning: 'YAML triage routes and priority rules (config/routing.example.yaml).',
    unset: 'unset',
  },
  MAX_MESSAGE_CHARS: { section: 'Answers and tickets', meaning: 'Longer messages are politely refused (100-40000).' },
  SCRIPT_TIMEOUT_MINUTES: {
    section: 'Answers and tickets',
    meaning: 'A guided script left without an answer this long (1-1440 minutes) is closed.',
  },
  LEARN_MIN_ASKERS: {
    section: 'Answers and tickets',
    meaning: 'People (1-1000) who must confirm a question before it is used as a phrasing of the article.',
  },
  SLA_SWEEP_SECONDS: {
    section: 'Answers and tickets',
    meaning: 'How often this process looks for due SLA timers (5-3600 s; 0 turns them off here).',
  },
  WORK_CONCURRENCY: {
    section: 'Answers and tickets',
    meaning: 'Queued deliveries and notifications one process works on at once (1-64).',
  },
  LOCAL_USER: {
    section: 'Answers and tickets',
    meaning: 'Who you are in the local terminal chat.',
    unset: 'your login name',
  },
  REPORTS_TOKEN: {
    section: 'Operators',
    meaning:
      'Bearer token (16+ characters) for machines reading /reports/metrics(.json) and /reports/automation.json, sent as Authorization: Bearer (?token= is refused); people read the lead reports in the web view. Without it these are not served in production.',
    unset: 'unset',
  },
  WEB_SECRET: {
    section: 'Operators',
    meaning:
      "Signs the web view's one-time sign-in links and session cookies (32+ characters, the same on every replica); without it the web view is off in production.",
    unset: 'a random key per process outside production (links work only on the process that made them)',
  },
  METRICS_TOKEN: {
    section: 'Operators',
    meaning:
      'Bearer token (16+ characters) for GET /metrics (Prometheus); without it and REPORTS_TOKEN, /metrics is not served in production.',
    unset: 'REPORTS_TOKEN',
  },
  DEFLECTION_WINDOW_DAYS: {
    section: 'Operators',
    meaning: 'Days (0-365) in which a ticket or another question means a question was not deflected.',
  },
  EDITORS_SLACK_CHANNEL: {
    section: 'Operators',
    meaning: 'Slack channel id where editors hear about broken edits and weekly content gaps.',
    unset: 'unset',
  },
  EDITORS_TEAMS_CHANNEL: {
    section: 'Operators',
    meaning: 'Teams channel id (19:...@thread.tacv2) for the same.',
    unset: 'unset',
  },
  SLACK_BOT_TOKEN: {
    section: 'Slack',
    meaning: 'Bot User OAuth Token (xoxb-...); with SLACK_SIGNING_SECRET the bot runs Slack.',
    unset: 'unset',
  },
  SLACK_SIGNING_SECRET: {
    section: 'Slack',
    meaning: 'Signing Secret (Basic Information > App Credentials); needed in Socket Mode too.',
    unset: 'unset',
  },
  SLACK_APP_TOKEN: {
    section: 'Slack',
    meaning: 'App-level token (xapp-..., connections:write): set, Socket Mode; unset, HTTP on PORT.',
    unset: 'unset',
  },
  SLACK_API_URL: { section: 'Slack', meaning: 'Base URL of the Slack Web API.', unset: 'https://slack.com/api/' },
  SLACK_TRIAGE_L1: { section: 'Slack', meaning: "Channel id (C... or G...) for L1 tickets' cards.", unset: 'unset' },
  SLACK_TRIAGE_L2: { section: 'Slack', meaning: "Channel id for L2 tickets' cards.", unset: 'unset' },
  SLACK_TRIAGE_L3: { section: 'Slack', meaning: "Channel id for L3 tickets' cards.", unset: 'unset' },
  SLACK_TRIAGE_VENDOR: { section: 'Slack', meaning: "Channel id for vendor (L4) tickets' cards.", unset: 'unset' },
  SLACK_TRIAGE_ROUTES: {
    section: 'Slack',
    meaning: 'category[/tier]=CHANNEL_ID pairs, comma-separated, e.g. printing=C0PRINT01.',
    unset: 'unset',
  },
  SLACK_ENGINEER_GROUPS: {
    section: 'Slack',
    meaning: 'Comma-separated user group ids (S...) whose members are engineers.',
    unset: 'unset',
  },
  SLACK_ENGINEERS: {
    section: 'Slack',
    meaning: 'Comma-separated member ids (U... or W...) of engineers.',
    unset: 'unset',
  },
  SLACK_LEADS: {
    section: 'Slack',
    meaning:
      'Comma-separated member ids of support leads: in the web view they read the lead reports (/web/reports: weekly trends, per engineer, channel, tier and category, backlog, breaching), the queue, every ticket and the exports (no actions).',
    unset: 'unset',
  },
  SLACK_LEAD_GROUPS: {
    section: 'Slack',
    meaning:
      'Comma-separated user group ids (S...) whose members are support leads, as SLACK_LEADS (members read from Slack, cached for a minute; checked on every web request).',
    unset: 'unset',
  },
  MICROSOFT_APP_ID: {
    section: 'Microsoft Teams',
    meaning: "The bot's Microsoft App ID (a GUID); set, the bot runs Teams and checks every request's token.",
    unset: 'unset',
  },
  MICROSOFT_APP_PASSWORD: {
    section: 'Microsoft Teams',
    meaning: "The app registration's client secret; needed unless MICROSOFT_APP_TYPE=UserAssignedMSI.",
    unset: 'unset',
  },
  MICROSOFT_APP_TENANT_ID: {
    section: 'Microsoft Teams',
    meaning: 'Your Microsoft Entra tenant id (a GUID); needed for SingleTenant.',
    unset: 'unset',
  },
  MICROSOFT_APP_TYPE: {
    section: 'Microsoft Teams',
    meaning: 'MultiTenant, SingleTenant or UserAssignedMSI, as the Azure Bot was created.',
    unset: 'SingleTenant with a tenant id, else MultiTenant',
  },
  TEAMS_ENABLED: {
    section: 'Microsoft Teams',
    meaning: '1 runs Teams without MICROSOFT_APP_ID, unauthenticated: local testing only, refused in production.',
    unset: 'unset',
  },
  TEAMS_SERVICE_URL: {
    section: 'Microsoft Teams',
    meaning: 'Bot Connector URL for posts before any activity has arrived.',
    unset: 'https://smba.trafficmanager.net/teams/',
  },
  TEAMS_TRIAGE_L1: {
    section: 'Microsoft Teams',
    meaning: "Teams channel id (19:...@thread.tacv2) for L1 tickets' cards.",
    unset: 'unset',
  },
  TEAMS_TRIAGE_L2: { section: 'Microsoft Teams', meaning: "Teams channel id for L2 tickets' cards.", unset: 'unset' },
  TEAMS_TRIAGE_L3: { section: 'Microsoft Teams', meaning: "Teams channel id for L3 tickets' cards.", unset: 'unset' },
  TEAMS_TRIAGE_VENDOR: {
    section: 'Microsoft Teams',
    meaning: "Teams channel id for vendor (L4) tickets' cards.",
    unset: 'unset',
  },
  TEAMS_TRIAGE_ROUTES: {
    section: 'Microsoft Teams',
    meaning: 'category[/tier]=CHANNEL_ID pairs, comma-separated, for Teams.',
    unset: 'unset',
  },
  TEAMS_ENGINEERS: {
    section: 'Microsoft Teams',
    meaning: 'Comma-separated Entra object ids (GUIDs) or Teams user ids (29:...) of engineers.',
    unset: 'unset',
  },
  TEAMS_LEADS: {
    section: 'Microsoft Teams',
    meaning:
      'Comma-separated Entra object ids or Teams user ids of support leads: in the web view they read the lead reports (/web/reports), the queue, every ticket and the exports (no actions).',
    unset: 'unset',
  },
  ALERTS_TOKEN: {
    section: 'Monitoring alerts',
    meaning: 'Bearer token (16+ characters) for POST /api/alerts.',
    unset: 'unset (the intake is refused in production without it or ALERTS_HMAC_SECRET)',
  },
  ALERTS_HMAC_SECRET: {
    section: 'Monitoring alerts',
    meaning: 'Shared secret (16+ characters) for HMAC-SHA256 signatures of alert bodies.',
    unset: 'unset',
  },
  ALERTS_FILE: {
    section: 'Monitoring alerts',
    meaning: 'YAML of severities, diagnostics and their allow-list (config/alerts.example.yaml).',
    unset: 'unset',
  },
  AUDIENCES_FILE: {
    section: 'Answers and tickets',
    meaning:
      'YAML of audiences and their members per chat (Slack user groups and members, Teams users, local users) for articles and scripts with `audience:` (config/audiences.example.yaml); `engineers` also holds the engineer and lead rosters.',
    unset: 'unset (only `all` and `engineers`: articles for other audiences are given to nobody)',
  },
  ALERTS_RATE_PER_MINUTE: {
    section: 'Monitoring alerts',
    meaning: 'Authenticated alert notices taken per minute per process; more get 429.',
  },
} satisfies Record<EnvVariable, VariableDoc>;

/** Variables read by prefix rather than by name. */
export const prefixedVariables = [
  {
    prefix: 'CHECK_',
    section: 'Answers and tickets' as Section,
    meaning: "CHECK_<NAME> fills ${CHECK_<NAME>} in the guided scripts' automatic checks.",
    example: 'CHECK_VPN_PORTAL_URL=https://vpn.example.org',
  },
];
