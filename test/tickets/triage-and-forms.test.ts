import { describe, expect, it } from 'vitest';
import { validateTicketForm } from '../../src/core/tickets/ticket-form.js';
import { messagesFor } from '../../src/core/messages/catalogue.js';
import { TriageRouter } from '../../src/core/tickets/triage-router.js';

describe('triage routing', () => {
  const router = new TriageRouter({
    tiers: { L2: [{ channel: 'slack', address: 'C-L2' }], L3: [{ channel: 'slack', address: 'C-L3' }] },
    rules: [
      { category: 'printing', destination: { channel: 'slack', address: 'C-PRINT' } },
      { category: 'access', tier: 'L3', destination: { channel: 'slack', address: 'C-ACCESS-L3' } },
    ],
  });

  it("sends a ticket to its tier's channel unless a category rule matches", () => {
    expect(router.route({ tier: 'L2', category: 'network' })).toEqual([{ channel: 'slack', address: 'C-L2' }]);
    expect(router.route({ tier: 'L2', category: 'Printing' })).toEqual([{ channel: 'slack', address: 'C-PRINT' }]);
    expect(router.route({ tier: 'L2', category: 'access' })).toEqual([{ channel: 'slack', address: 'C-L2' }]);
    expect(router.route({ tier: 'L3', category: 'access' })).toEqual([{ channel: 'slack', address: 'C-ACCESS-L3' }]);
    expect(router.route({ tier: 'L4', category: 'network' })).toEqual([]);
  });
});

describe('ticket form', () => {
  const categories = ['network', 'general'];
  const english = messagesFor('en');

  it('accepts a complete form and names every bad field with a fix', () => {
    expect(
      validateTicketForm(
        { subject: 'VPN drops', description: 'Every ten minutes at home.', priority: 'P2', category: 'network' },
        categories,
        english,
      ),
    ).toEqual({
      ok: true,
      value: { subject: 'VPN drops', description: 'Every ten minutes at home.', priority: 'P2', category: 'network' },
    });
    const result = validateTicketForm(
      { subject: 'x', description: '', priority: 'P9', category: 'nope' },
      categories,
      english,
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(Object.keys(result.errors).sort()).toEqual(['category', 'description', 'priority', 'subject']);
    const missing = validateTicketForm({}, categories, english);
    if (!missing.ok) expect(missing.errors.subject).toMatch(/subject/);
  });
});
