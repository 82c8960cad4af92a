import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import type { MineralPair, MineralResponse } from '../evaluate/mineral-response.js';
import { mineralResponse } from '../evaluate/mineral-response.js';
import { readCsvTable } from '../io/csv-table.js';
import { readModelDescription } from '../nn/model-folder/model-folder.js';
import { pearsonCorrelation } from '../stats/pearson-correlation.js';
import { simulateCohort } from '../simulate/simulate-cohort.js';
import { runPredict } from './run-predict.js';

export interface MineralResponseOptions {
  model: string;
  out: string;
  n: number;
  seed: number;
  /** The lower and higher mineral factor; the cohort at factor 1 gives the correlation. */
  factors: [number, number];
  say: (line: string) => void;
}

export interface MineralResponseResult extends MineralResponse {
  rAtFactorOne: number;
  file: string;
}

/** case_id -> the numeric value of a column, for the rows that have one. */
function columnByCase(file: string, column: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of readCsvTable(file).rows) {
    const id = row.cells.get('case_id');
    const value = Number(row.cells.get(column) ?? '');
    if (id !== undefined && (row.cells.get(column) ?? '') !== '' && Number.isFinite(value)) out.set(id, value);
  }
  return out;
}

/**
 * `openbmd mineral-response`: simulates the same children three times (seed fixed) at two mineral
 * factors and at 1, predicts each cohort with the model, and reports how much of the true change
 * in aBMD the predictions show (the slope; 1 = all) and the correlation at factor 1. SIMULATED.
 */
export async function runMineralResponse(o: MineralResponseOptions): Promise<MineralResponseResult> {
  if (readModelDescription(o.model).pipeline !== 'forearm')
    throw new OpenBmdError('BAD_ARGUMENT', 'the mineral response is simulated for the forearm pipeline only', { file: o.model });
  const [low, high] = o.factors;
  if (!(low > 0 && high > low)) throw new OpenBmdError('BAD_ARGUMENT', `the mineral factors must be two increasing positive numbers, got ${low},${high}`);
  mkdirSync(o.out, { recursive: true });
  const run = async (factor: number): Promise<{ truth: Map<string, number>; predicted: Map<string, number> }> => {
    const dir = join(o.out, `factor-${factor}`);
    o.say(`openbmd mineral-response: ${o.n} SIMULATED children (seed ${o.seed}) at ${factor} x their aBMD`);
    await simulateCohort('forearm', {
      n: o.n,
      out: dir,
      seed: o.seed,
      mineralFactor: factor,
      command: `openbmd simulate forearm --n ${o.n} --seed ${o.seed} --mineral-factor ${factor} --out ${dir}`,
      say: o.say,
    });
    const predictions = join(dir, 'predictions.csv');
    await runPredict({ modelDir: o.model, cohortCsv: join(dir, 'cohort.csv'), outCsv: predictions, say: o.say });
    return { truth: columnByCase(join(dir, 'cohort.csv'), 'forearm_abmd'), predicted: columnByCase(predictions, 'forearm_abmd') };
  };
  const lower = await run(low);
  const higher = await run(high);
  const one = await run(1);
  const pairs: MineralPair[] = [...lower.predicted.keys()]
    .filter((id) => higher.predicted.has(id))
    .map((id) => ({
      caseId: id,
      truthLow: lower.truth.get(id)!,
      truthHigh: higher.truth.get(id)!,
      predictedLow: lower.predicted.get(id)!,
      predictedHigh: higher.predicted.get(id)!,
    }));
  const response = mineralResponse(pairs);
  const ids = [...one.predicted.keys()].filter((id) => one.truth.has(id));
  const rAtFactorOne = pearsonCorrelation(
    ids.map((id) => one.predicted.get(id)!),
    ids.map((id) => one.truth.get(id)!),
  ).r;
  const file = join(o.out, 'mineral-response.json');
  writeFileSync(
    file,
    `${JSON.stringify({ simulated: true, model: readModelDescription(o.model).name, children: o.n, seed: o.seed, factors: [low, 1, high], ...response, rAtFactorOne, pairs, definition: 'slope: least squares through the origin of the predicted change on the true change in aBMD between the two factors (same children, anatomy and exposure); 1 = the measurement shows all of a change in bone' }, null, 2)}\n`,
  );
  o.say(
    `SIMULATED, ${response.n} children at ${low} and ${high} x their aBMD: the prediction moves ${response.slope.toFixed(3)} x the true change (median per child ${response.medianRatio.toFixed(3)}, quartiles ${response.ratioQuartiles.map((q) => q.toFixed(3)).join('-')}); r at 1 x = ${rAtFactorOne.toFixed(3)}; ${file}`,
  );
  return { ...response, rAtFactorOne, file };
}
