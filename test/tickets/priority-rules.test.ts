import { describe, expect, it } from 'vitest';
import { parseRoutingFile } from '../../src/config/routing-file.js';
import { RoutingRules, routingFileSchema, type RouteInput } from '../../src/core/tickets/routing-rules.js';

const rules = (file: unknown) => new RoutingRules(routingFileSchema.parse(file));
const ticket = (extra: Partial<RouteInput> = {}): RouteInput => ({
  tier: 'L1',
  category: 'general',
  requesterId: 'U0EMPLOYEE1',
  subject: '',
  question: null,
  collected: {},
  ...extra,
});
const groups = { vip: ['U0VIP00001'], finance: ['U0FIN00001'] };

describe('priority rules in the routing file', () => {
  it('a group raises priority by steps, never above P1; others are left alone', () => {
    const r = rules({ groups, priority_rules: [{ name: 'vip first', when: { requester_group: ['vip'] }, raise: 1 }] });
    expect(r.raisedPriority(ticket({ requesterId: 'U0VIP00001' }), 'P3')).toEqual({
      priority: 'P2',
      rules: ['vip first'],
    });
    expect(r.raisedPriority(ticket({ requesterId: 'u0vip00001' }), 'P4')).toEqual({
      priority: 'P3',
      rules: ['vip first'],
    });
    expect(r.raisedPriority(ticket({ requesterId: 'U0VIP00001' }), 'P1')).toBeUndefined();
    expect(r.raisedPriority(ticket({ requesterId: 'U0EMPLOYEE1' }), 'P3')).toBeUndefined();
  });

  it('at_least is a floor: it raises P3 and P4 to P2 and leaves P1 and P2 alone', () => {
    const r = rules({
      groups,
      priority_rules: [{ name: 'finance at month end', when: { requester_group: ['finance'] }, at_least: 'P2' }],
    });
    const fin = ticket({ requesterId: 'U0FIN00001' });
    expect(r.raisedPriority(fin, 'P4')?.priority).toBe('P2');
    expect(r.raisedPriority(fin, 'P3')?.priority).toBe('P2');
    expect(r.raisedPriority(fin, 'P2')).toBeUndefined();
    expect(r.raisedPriority(fin, 'P1')).toBeUndefined();
  });

  it('rules do not add up: the most urgent any matching rule gives, naming each that raised it', () => {
    const r = rules({
      groups,
      priority_rules: [
        { name: 'vip', when: { requester_group: ['vip'] }, raise: 1 },
        { name: 'vip security', when: { requester_group: ['vip'], category: ['security'] }, at_least: 'P1' },
        { name: 'outage words', when: { keywords: ['outage'] }, raise: 2 },
      ],
    });
    expect(r.raisedPriority(ticket({ requesterId: 'U0VIP00001', category: 'security' }), 'P3')).toEqual({
      priority: 'P1',
      rules: ['vip', 'vip security'],
    });
    expect(r.raisedPriority(ticket({ requesterId: 'U0VIP00001', subject: 'VPN outage' }), 'P4')).toEqual({
      priority: 'P2',
      rules: ['vip', 'outage words'],
    });
  });

  it('routes are unaffected by priority rules and the other way round', () => {
    const r = rules({
      groups,
      routes: [{ name: 'vip desk', when: { requester_group: ['vip'] }, slack: 'C0VIPDESK1' }],
      priority_rules: [{ name: 'vip', when: { requester_group: ['vip'] }, raise: 1 }],
    });
    expect(r.matching(ticket({ requesterId: 'U0VIP00001' })).map((route) => route.name)).toEqual(['vip desk']);
    expect(r.raisedPriority(ticket({ requesterId: 'U0VIP00001' }), 'P3')?.priority).toBe('P2');
  });

  it('a mistake is refused with file:line and field', () => {
    const source = [
      'groups:',
      '  vip: [U0VIP00001]',
      'priority_rules:',
      '  - name: ok',
      '    when: { requester_group: [vip] }',
      '    raise: 1',
      '  - name: no effect',
      '    when: { requester_group: [vip] }',
      '  - name: bad steps',
      '    when: { requester_group: [vip] }',
      '    raise: 5',
      '  - name: unknown group',
      '    when: { requester_group: [execs] }',
      '    at_least: P0',
      '  - name: everyone',
      '    when: {}',
      '    raise: 1',
      '',
    ].join('\n');
    const result = parseRoutingFile(source, 'routing.yaml');
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toContain(
      'routing.yaml:7: priority_rules[1]: expected "raise" (steps) and/or "at_least" (a priority)',
    );
    expect(problems).toContain('routing.yaml:11: priority_rules[2].raise: expected 1 to 3 steps');
    expect(problems).toContain('routing.yaml:14: priority_rules[3].at_least: expected one of P1, P2, P3, P4');
    expect(
      problems.some((p) => p.startsWith('routing.yaml:16: priority_rules[4].when: expected at least one condition')),
    ).toBe(true);
  });

  it('an unknown group in a priority rule is named with its line', () => {
    const source = [
      'groups:',
      '  vip: [U0VIP00001]',
      'priority_rules:',
      '  - name: execs',
      '    when: { requester_group: [execs] }',
      '    raise: 1',
      '',
    ].join('\n');
    const result = parseRoutingFile(source, 'routing.yaml');
    expect(result.ok ? [] : result.problems).toEqual([
      'routing.yaml:5: priority_rules[0].when.requester_group[0]: unknown group "execs" (define it under "groups")',
    ]);
  });
});
