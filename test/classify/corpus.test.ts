/**
 * Agreement with sisimai on the dev corpora (shared/corpus/README.md), each file reported apart:
 * a rule that lifts one and drops the other is fitting its data. The headline figures are the
 * non-synthetic rows (bounces provoked on purpose for a test weigh less); the figures with them are
 * printed too. Floors sit a little under the measured values so regressions fail, and no dev file
 * may gain a false suppression (suppressing an address whose bounce does not mean it is bad).
 * Corpus dir: <repo>/../shared/corpus ($SISIMAI_CORPUS overrides the sisimai file). Missing → fails
 * under CI, skipped elsewhere.
 */
import { describe, expect, it } from 'vitest';
import {
  corpusExists,
  corpusPath,
  DEV_FILES,
  formatReport,
  formatSummary,
  loadCorpus,
  measure,
} from './corpus-metrics';

interface Floors {
  reason: number;
  hard: number;
  action: number;
  party: number;
  falseSuppressions: number;
}

// Measured (non-synthetic rows; docs/classification.md#measured says what moved with the evidence ladder):
//   sisimai-dev      n=277: reason 96.8 %, hard/soft 99.6 %, action 98.6 %, party 98.9 %, 0 false / 1 missed suppressions
//   bounceparsers-dev n=60: reason 88.3 %, hard/soft 98.3 %, action 100 %,  party 96.7 %, 0 false / 0 missed suppressions
const FLOORS: Record<(typeof DEV_FILES)[number], Floors> = {
  'sisimai-dev.jsonl': { reason: 0.95, hard: 0.98, action: 0.97, party: 0.97, falseSuppressions: 0 },
  'bounceparsers-dev.jsonl': { reason: 0.9, hard: 0.96, action: 0.97, party: 0.93, falseSuppressions: 0 },
};
/** No expected reason with at least MIN_CASES cases may fall under this recall (sisimai file). */
const FLOOR_RECALL = 0.7;
const MIN_CASES = 5;

for (const file of DEV_FILES) {
  const path = corpusPath(file);
  describe(`dev corpus ${file}`, () => {
    if (!corpusExists(path)) {
      if (process.env.CI) {
        it('corpus is present', () => {
          throw new Error(`corpus not found at "${path}"`);
        });
      } else {
        console.log(`corpus not found at "${path}"; skipping`);
        it.skip('corpus agreement (corpus absent)', () => {});
      }
      return;
    }

    const all = loadCorpus(path);
    const real = all.filter((c) => !c.synthetic);
    const metrics = measure(real);
    const withSynthetic = measure(all);
    console.log(
      `${formatReport(metrics, 160, `${file} (non-synthetic)`)}\n${formatSummary(`${file} (all rows)`, withSynthetic)}`,
    );
    const floors = FLOORS[file];

    it('agrees with sisimai on the reason', () => {
      expect(metrics.n).toBeGreaterThan(0);
      expect(metrics.reasonAgreement).toBeGreaterThanOrEqual(floors.reason);
    });

    it('agrees with sisimai on hard/soft', () => {
      expect(metrics.hardAgreement).toBeGreaterThanOrEqual(floors.hard);
    });

    it('takes the action sisimai’s label calls for (suppress / count soft / alert / ignore)', () => {
      expect(metrics.actionAgreement).toBeGreaterThanOrEqual(floors.action);
    });

    it('names the party sisimai’s reason implies', () => {
      expect(metrics.partyAgreement).toBeGreaterThanOrEqual(floors.party);
    });

    it('suppresses no address its bounce does not condemn (synthetic rows included)', () => {
      expect(metrics.falseSuppressions).toBeLessThanOrEqual(floors.falseSuppressions);
      expect(withSynthetic.falseSuppressions).toBeLessThanOrEqual(floors.falseSuppressions);
    });

    if (file === 'sisimai-dev.jsonl') {
      it(`recalls every reason with ≥ ${MIN_CASES} cases at ≥ ${FLOOR_RECALL * 100} %`, () => {
        const weak = metrics.perReason.filter((r) => r.n >= MIN_CASES && r.recall < FLOOR_RECALL);
        expect(weak).toEqual([]);
      });
    }
  });
}
