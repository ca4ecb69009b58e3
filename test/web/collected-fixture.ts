/** What the bot collected, hostile and large: HTML in keys and values, long, deep and wide values, keys named like Object's members. */
export const LONG = `${'A'.repeat(399)}Z${'b'.repeat(4600)}<script>alert("long")</script>`;
export const DEEP = { a: { b: { c: { d: { e: { f: '<i>deepest</i>' } } } } } };
export const LONG_KEY = `key_${'k'.repeat(196)}`;
export const MANY = Array.from({ length: 60 }, (_, i) => `item-${i}`);

// Built by JSON.parse, as the database hands it back: "__proto__" and "constructor" are own keys.
export const collected = JSON.parse(
  JSON.stringify({
    source: 'form',
    script: 'vpn-reset',
    answers: { vpn_client: '<b>GlobalProtect</b>', 'os"><img src=x onerror=alert(1)>': 'Windows & <u>11</u>' },
    checks: {
      ping: {
        ok: false,
        detail: '<b>timed out</b> after 3000 ms',
        ms: 3000.4,
        step: 'ping',
        target: 'vpn.example.org',
      },
      dns: { ok: true, detail: 'resolved in 12 ms', ms: 12 },
    },
    path: ['start', 'ask_client', '<svg onload=alert(3)>'],
    seenAt: '2026-12-04T09:00:00.000Z',
    notADate: '2026-12-04 and more',
    url: 'https://monitor.example.org/alerts?id=7&x=<y>"',
    evil: 'javascript:alert(4)',
    count: 12345,
    sure: true,
    none: null,
    empty: '',
    multiline: 'line one\n<line two>',
    long: LONG,
    deep: DEEP,
    many: MANY,
    rows: [{ name: 'first', ok: 'maybe' }, { name: '<b>second</b>' }],
    // A field name of one 200-letter word: it must wrap, not widen the page.
    [LONG_KEY]: 'short value',
  }).replace('"source"', '"__proto__":{"polluted":"<b>proto</b>"},"constructor":"<em>ctor</em>","source"'),
) as Record<string, unknown>;
