import { describe, expect, it } from 'vitest';
import { RoutingRules, routingFileSchema, type RouteInput } from '../../src/core/tickets/routing-rules.js';
import { TriageRouter } from '../../src/core/tickets/triage-router.js';

const rules = (file: unknown, tagsOf?: (t: RouteInput) => string[] | undefined) =>
  new RoutingRules(routingFileSchema.parse(file), tagsOf);
const ticket = (extra: Partial<RouteInput> = {}): RouteInput => ({
  tier: 'L2',
  category: 'general',
  priority: 'P3',
  requesterId: 'U0EMPLOYEE1',
  subject: '',
  question: null,
  collected: {},
  ...extra,
});
const names = (r: RoutingRules, t: RouteInput) => r.matching(t).map((route) => route.name);

describe('routing rules: conditions', () => {
  it('category matches any of its values, in any case', () => {
    const r = rules({ routes: [{ name: 'print', when: { category: ['printing', 'scanning'] }, slack: 'C0PRINT01' }] });
    expect(names(r, ticket({ category: 'Printing' }))).toEqual(['print']);
    expect(names(r, ticket({ category: 'scanning' }))).toEqual(['print']);
    expect(names(r, ticket({ category: 'network' }))).toEqual([]);
  });

  it("labels match a monitoring alert's labels (each one of its values, any case); tickets without an alert do not match", () => {
    const r = rules({
      routes: [
        {
          name: 'data alerts',
          when: { labels: { team: 'data', severity: ['critical', 'high'] } },
          slack: 'C0DATAOPS1',
        },
      ],
    });
    const alert = (labels: Record<string, unknown>) =>
      ticket({ collected: { alert: { source: 'alertmanager', labels } } });
    expect(names(r, alert({ team: 'Data', severity: 'CRITICAL', job: 'postgres' }))).toEqual(['data alerts']);
    expect(names(r, alert({ team: 'data', severity: 'warning' }))).toEqual([]);
    expect(names(r, alert({ severity: 'critical' }))).toEqual([]);
    expect(names(r, alert({ team: ['data'], severity: 'critical' }))).toEqual([]);
    expect(names(r, ticket())).toEqual([]);
    expect(names(r, ticket({ collected: { alert: 'not an object' } }))).toEqual([]);
  });

  it('priority and tier match exactly; a missing priority does not match', () => {
    const r = rules({
      routes: [{ name: 'urgent', when: { priority: ['P1', 'P2'], tier: ['L2'] }, slack: 'C0URGENT1' }],
    });
    expect(names(r, ticket({ priority: 'P1' }))).toEqual(['urgent']);
    expect(names(r, ticket({ priority: 'P3' }))).toEqual([]);
    expect(names(r, ticket({ priority: 'P1', tier: 'L3' }))).toEqual([]);
    expect(names(r, { tier: 'L2', category: 'x' })).toEqual([]);
  });

  it('keywords match whole words and phrases in the subject or question, any case', () => {
    const r = rules({
      routes: [
        { name: 'plotter', when: { keywords: ['plotter', 'out of toner', 'c++'] }, teams: '19:print@thread.tacv2' },
      ],
    });
    expect(names(r, ticket({ subject: 'The PLOTTER is jammed' }))).toEqual(['plotter']);
    expect(names(r, ticket({ question: 'printer is out  of\ntoner again' }))).toEqual(['plotter']);
    expect(names(r, ticket({ subject: 'need a c++ compiler' }))).toEqual(['plotter']);
    expect(names(r, ticket({ subject: 'plotters everywhere' }))).toEqual([]);
    expect(names(r, ticket({ subject: 'toner' }))).toEqual([]);
  });

  it('tags come from tagsOf, any case; without tags the condition fails', () => {
    const file = { routes: [{ name: 'papercut', when: { tags: ['PaperCut'] }, slack: 'C0PRINT01' }] };
    expect(
      names(
        rules(file, () => ['printing', 'papercut']),
        ticket(),
      ),
    ).toEqual(['papercut']);
    expect(
      names(
        rules(file, () => ['vpn']),
        ticket(),
      ),
    ).toEqual([]);
    expect(names(rules(file), ticket())).toEqual([]);
    expect(
      names(
        rules(file).withTags(() => ['papercut']),
        ticket(),
      ),
    ).toEqual(['papercut']);
  });

  it('requester_group matches the requester id against the group members', () => {
    const r = rules({
      routes: [{ name: 'finance', when: { requester_group: ['finance'] }, slack: 'C0FINDESK1' }],
      groups: { finance: ['U0FIN0001', '3F2C9C1E-0000-4000-8000-000000000001'] },
    });
    expect(names(r, ticket({ requesterId: 'U0FIN0001' }))).toEqual(['finance']);
    expect(names(r, ticket({ requesterId: '3f2c9c1e-0000-4000-8000-000000000001' }))).toEqual(['finance']);
    expect(names(r, ticket({ requesterId: 'U0OTHER01' }))).toEqual([]);
  });

  it('every given condition must hold', () => {
    const r = rules({
      routes: [{ name: 'both', when: { category: ['printing'], keywords: ['plotter'] }, slack: 'C0PRINT01' }],
    });
    expect(names(r, ticket({ category: 'printing', subject: 'plotter broken' }))).toEqual(['both']);
    expect(names(r, ticket({ category: 'printing', subject: 'printer broken' }))).toEqual([]);
    expect(names(r, ticket({ category: 'network', subject: 'plotter broken' }))).toEqual([]);
  });
});

describe('routing rules in the triage router', () => {
  const file = rules({
    routes: [
      { name: 'plotter', when: { keywords: ['plotter'] }, slack: 'C0PLOTTER1' },
      { name: 'print', when: { category: ['printing'] }, slack: 'C0PRINT01', teams: '19:print@thread.tacv2' },
    ],
    default: { slack: 'C0DEFAULT1' },
    tiers: { L3: { slack: 'C0FILEL31' } },
  });
  const router = new TriageRouter({
    tiers: {
      L2: [
        { channel: 'slack', address: 'C-ENV-L2' },
        { channel: 'teams', address: 'T-ENV-L2' },
      ],
      L4: [{ channel: 'slack', address: 'C-ENV-L4' }],
    },
    rules: [{ category: 'access', destination: { channel: 'slack', address: 'C-ENV-ACCESS' } }],
    file,
  });
  const slack = (t: RouteInput) => router.routeIn('slack', t).map((d) => d.address);

  it('the first matching route wins, per chat', () => {
    const t = ticket({ category: 'printing', subject: 'plotter jammed' });
    expect(router.route(t)).toEqual([
      { channel: 'slack', address: 'C0PLOTTER1' },
      { channel: 'teams', address: '19:print@thread.tacv2' },
    ]);
    expect(router.routeName(t)).toBe('plotter');
  });

  it("then env rules, then the file's tier channel, then its default, then env tier channels", () => {
    expect(slack(ticket({ category: 'access' }))).toEqual(['C-ENV-ACCESS']);
    expect(slack(ticket({ tier: 'L3' }))).toEqual(['C0FILEL31']);
    expect(slack(ticket({ tier: 'L2' }))).toEqual(['C0DEFAULT1']);
    expect(slack(ticket({ tier: 'L4' }))).toEqual(['C0DEFAULT1']);
    // The file has no Teams default: Teams falls back to the env tier channel.
    expect(router.routeIn('teams', ticket())).toEqual([{ channel: 'teams', address: 'T-ENV-L2' }]);
    expect(router.routeName(ticket())).toBeUndefined();
  });

  it("tierFor gives the first matching route's tier, else the default's", () => {
    const r = rules({
      routes: [{ name: 'p', when: { category: ['printing'] }, tier: 'L3', slack: 'C0PRINT01' }],
      default: { tier: 'L2', slack: 'C0DEFAULT1' },
    });
    expect(r.tierFor(ticket({ category: 'printing' }))).toBe('L3');
    expect(r.tierFor(ticket())).toBe('L2');
  });
});
