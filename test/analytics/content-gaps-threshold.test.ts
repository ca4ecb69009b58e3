import { describe, expect, it } from 'vitest';
import { clusterGaps, DEFAULT_GAP_THRESHOLD, type GapQuestion } from '../../src/core/analytics/content-gaps.js';

/**
 * Realistic unanswered questions, labelled by topic ("sN": one-offs), on which the default
 * threshold was chosen. Pairwise precision/recall: of the pairs of questions put together, how
 * many share a topic; of the pairs sharing a topic, how many were put together.
 */
const OFFICE: Array<[string, string]> = [
  ['plotter', 'How do I print to the plotter on floor 3?'],
  ['plotter', 'the plotter is out of paper, who refills it'],
  ['plotter', 'large format plotter shows error 50.1'],
  ['plotter', 'where is the A0 plotter'],
  ['plotter', 'can I send a CAD drawing to the plotter?'],
  ['plotter', 'plotter offline'],
  ['plotter', 'how to add the plotter on my mac'],
  ['plotter', 'Plotter prints the drawings way too small'],
  ['badge', 'badge reader at the back door does not beep'],
  ['badge', 'my badge does not open the garage door'],
  ['badge', 'access badge stopped working at the turnstile'],
  ['badge', 'lost my badge, how do I get a new one'],
  ['badge', 'the badge reader on floor 2 is blinking red'],
  ['badge', 'badge not recognised at reception'],
  ['parking', 'how do I book a parking space'],
  ['parking', 'parking booking app says no spaces'],
  ['parking', 'can I reserve parking for a visitor'],
  ['parking', 'where do I register my car for the car park'],
  ['expenses', 'how do I submit expenses in concur'],
  ['expenses', 'concur rejects my receipt upload'],
  ['expenses', 'where do I claim travel expenses'],
  ['expenses', 'my expense report is stuck in approval'],
  ['expenses', 'concur wont let me log in'],
  ['monitor', 'can I get a second monitor'],
  ['monitor', 'docking station does not detect my external monitor'],
  ['monitor', 'second screen flickers when docked'],
  ['monitor', 'how do I order an extra monitor for home'],
  ['monitor', 'external display not detected over usb-c'],
  ['print', "can't print"],
  ['print', "printer won't print"],
  ['print', 'nothing comes out when I print'],
  ['print', 'printing does not work from my laptop'],
  ['print', 'unable to print anything'],
  ['jira', 'how do I get access to jira'],
  ['jira', 'jira says I do not have permission for the project'],
  ['jira', 'request a jira licence'],
  ['jira', 'jira board is empty'],
  ['room', 'the meeting room screen wont show my laptop'],
  ['room', 'how do I share my screen on the room display'],
  ['room', 'conference room tv has no hdmi signal'],
  ['room', 'room display stuck on the logo'],
  ['linuxvpn', 'vpn client for linux'],
  ['linuxvpn', 'how to connect to the vpn from ubuntu'],
  ['linuxvpn', 'is there a linux version of the vpn'],
  ['starter', 'when will the new starter get their laptop'],
  ['starter', 'order a laptop for a new hire'],
  ['starter', 'new joiner laptop setup checklist'],
  ['s1', 'the coffee machine is broken'],
  ['s2', 'when is the next fire drill'],
  ['s3', 'can I borrow a phone charger'],
  ['s4', 'who do I talk to about my payslip'],
  ['s5', 'is there a guest wifi password'],
  ['s6', 'how do I change my desk phone voicemail greeting'],
  ['s7', 'my chair is broken'],
  ['s8', 'translate this document to german'],
];

const SOFTWARE_AND_TRAVEL: Array<[string, string]> = [
  ['acrobat', 'how do I get adobe acrobat pro'],
  ['acrobat', 'acrobat keeps asking me to sign in'],
  ['acrobat', 'need to edit a pdf, which software do we have'],
  ['acrobat', 'acrobat licence expired'],
  ['acrobat', 'can I get a license for adobe'],
  ['sap', 'I need access to SAP'],
  ['sap', 'sap gui crashes on startup'],
  ['sap', 'sap password expired'],
  ['sap', 'who approves sap roles'],
  ['vault', 'how do I share a password vault with my team'],
  ['vault', '1password vault missing'],
  ['vault', 'can I get a 1password family account'],
  ['vault', 'shared vault not syncing in 1password'],
  ['keyboard', 'my keyboard stopped working'],
  ['keyboard', 'can I get a new keyboard and mouse'],
  ['keyboard', 'wireless mouse lagging'],
  ['keyboard', 'order an ergonomic keyboard'],
  ['keyboard', 'mouse not working after update'],
  ['toner', 'printer is out of toner'],
  ['toner', 'where are the spare toner cartridges'],
  ['toner', 'who orders toner for the 4th floor printer'],
  ['phone', 'how do I get a phone number in teams'],
  ['phone', 'teams calling does not ring my mobile'],
  ['phone', 'forward my teams calls to my mobile'],
  ['phone', 'can I port my old desk number to teams'],
  ['backup', 'how do I restore a deleted file from backup'],
  ['backup', 'is my laptop backed up'],
  ['backup', 'restore my documents folder from yesterday'],
  ['backup', 'backup failed notification'],
  ['travel', 'which laptop should I take when travelling to china'],
  ['travel', 'travel laptop loan for china trip'],
  ['travel', 'can I use my work phone abroad'],
  ['travel', 'roaming on my company phone'],
  ['s1', 'the lift is broken'],
  ['s2', 'when does the canteen open'],
  ['s3', 'how do I expense a taxi'],
  ['s4', 'who is the fire warden on floor 5'],
  ['s5', 'my screen is cracked'],
  ['s6', 'can I install spotify'],
  ['s7', 'how do I change my name in the directory'],
];

function pairwise(
  labelled: Array<[string, string]>,
  threshold: number,
): { precision: number; recall: number; f1: number } {
  const questions: GapQuestion[] = labelled.map(([, text], i) => ({
    id: `q${String(i).padStart(3, '0')}`,
    text,
    userId: `u${i % 7}`,
    channel: 'slack',
    createdAt: new Date(Date.UTC(2026, 0, 5) + i * 60_000),
    outcome: 'no_answer',
    articleId: null,
    votes: [],
    reason: 'no_answer',
  }));
  const cluster = new Map<string, number>();
  clusterGaps(questions, { threshold }).forEach((c, k) => c.questionIds.forEach((id) => cluster.set(id, k)));
  let both = 0;
  let togetherOnly = 0;
  let topicOnly = 0;
  for (let i = 0; i < questions.length; i++) {
    for (let j = i + 1; j < questions.length; j++) {
      const sameTopic = labelled[i]![0] === labelled[j]![0];
      const together = cluster.get(questions[i]!.id) === cluster.get(questions[j]!.id);
      if (sameTopic && together) both++;
      else if (together) togetherOnly++;
      else if (sameTopic) topicOnly++;
    }
  }
  const precision = both / (both + togetherOnly);
  const recall = both / (both + topicOnly);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

describe('the default clustering threshold', () => {
  it('groups labelled office questions well', () => {
    const at = pairwise(OFFICE, DEFAULT_GAP_THRESHOLD);
    expect(at.precision).toBeGreaterThan(0.9);
    expect(at.f1).toBeGreaterThan(0.85);
  });

  it('groups labelled software and travel questions well', () => {
    const at = pairwise(SOFTWARE_AND_TRAVEL, DEFAULT_GAP_THRESHOLD);
    expect(at.precision).toBeGreaterThan(0.85);
    expect(at.f1).toBeGreaterThan(0.8);
  });

  it('is the strictest value that keeps the best grouping on both sets', () => {
    for (const set of [OFFICE, SOFTWARE_AND_TRAVEL]) {
      const best = pairwise(set, DEFAULT_GAP_THRESHOLD).f1;
      expect(pairwise(set, 0.1).f1).toBeLessThanOrEqual(best + 1e-9);
      expect(pairwise(set, DEFAULT_GAP_THRESHOLD + 0.1).f1).toBeLessThan(best);
    }
    // Stricter by 0.05 already splits rephrasings on at least one set.
    expect(
      Math.min(
        pairwise(OFFICE, DEFAULT_GAP_THRESHOLD + 0.05).f1 - pairwise(OFFICE, DEFAULT_GAP_THRESHOLD).f1,
        pairwise(SOFTWARE_AND_TRAVEL, DEFAULT_GAP_THRESHOLD + 0.05).f1 -
          pairwise(SOFTWARE_AND_TRAVEL, DEFAULT_GAP_THRESHOLD).f1,
      ),
    ).toBeLessThan(0);
  });
});
