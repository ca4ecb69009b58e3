import { describe, expect, it } from 'vitest';
import type { LanguageCode } from '../../src/core/language/languages.js';
import { pageTexts } from '../../src/web/reader-language.js';
import { Figures } from '../../src/web/report-page.js';

// The lead report's durations in each page language: one style of unit per language, as people
// there abbreviate them. Intl puts a no-break space between a number and its unit.
const figures = (language: LanguageCode) => new Figures(pageTexts(language));
const nb = (text: string) => text.replaceAll(' ', '\u00a0').replaceAll('|', ' ');

describe("the report's durations in the reader's language", () => {
  it.each([
    // 2 days 2 hours 30 minutes, 95 minutes, 45.5 minutes, an hour, none.
    ['en', ['2d 2h 30m', '1h 35m', '45.5m', '1h', '0m']],
    ['de', [nb('2 Tg.|2 Std.|30 Min.'), nb('1 Std.|35 Min.'), nb('45,5 Min.'), nb('1 Std.'), nb('0 Min.')]],
    ['fr', [nb('2 j|2 h|30 min'), nb('1 h|35 min'), nb('45,5 min'), nb('1 h'), nb('0 min')]],
    ['es', [nb('2 d|2 h|30 min'), nb('1 h|35 min'), nb('45,5 min'), nb('1 h'), nb('0 min')]],
  ] as const)('%s: medians and lateness', (language, expected) => {
    const f = figures(language);
    expect([3030, 95, 45.5, 60, 0].map((minutes) => f.minutes(minutes))).toEqual(expected);
  });

  it.each([
    ['en', ['45m', '2h', '1.5h', '3d']],
    ['de', [nb('45 Min.'), nb('2 Std.'), nb('1,5 Std.'), nb('3 Tg.')]],
    ['fr', [nb('45 min'), nb('2 h'), nb('1,5 h'), nb('3 j')]],
    ['es', [nb('45 min'), nb('2 h'), nb('1,5 h'), nb('3 d')]],
  ] as const)("%s: the charts' axis labels", (language, expected) => {
    const f = figures(language);
    expect([45, 120, 90, 4320].map((minutes) => f.shortDuration(minutes))).toEqual(expected);
  });
});
