import { availableParallelism } from 'node:os';
import type { AbmdEquation } from '../pipelines/forearm/abmd-equation.js';
import { OpenBmdError } from '../core/errors.js';
import type { MeasurementMetrics } from '../evaluate/measurement-metrics.js';
import { runEvaluation } from '../evaluate/run-evaluation.js';
import { nnBackend } from '../nn/nn-backend.js';
import { trainForearm } from '../pipelines/forearm/train-forearm.js';
import type { TrainForearmResult } from '../pipelines/forearm/train-forearm.js';
import { writeEvaluationReport } from '../report/write-evaluation-report.js';

export interface TrainCommandOptions {
  cohort: string;
  out: string;
  folds?: number;
  seed: number;
  networks?: string;
  fineTune?: string;
  /** commander's --no-background-removal sets this false. */
  backgroundRemoval?: boolean;
  epochs?: string;
  batchSize?: number;
  cores?: number;
  /** The command recorded in model.json (default: this process's arguments). */
  command?: string;
}

const PIPELINES = ['forearm', 'ct-spine'] as const;

/** Default epochs per network (segmentation, coarse landmarks, fine landmarks); early stopping may end sooner. */
const DEFAULT_EPOCHS = '16,10,12';

function parseEpochs(text: string): { segmentation: number; coarseLandmarks: number; fineLandmarks: number } {
  const parts = text.split(',').map(Number);
  if (parts.length !== 3 || !parts.every((v) => Number.isInteger(v) && v >= 1)) throw new OpenBmdError('BAD_ARGUMENT', `--epochs wants three positive integers SEG,COARSE,FINE, got '${text}'`);
  return { segmentation: parts[0]!, coarseLandmarks: parts[1]!, fineLandmarks: parts[2]! };
}

/** `openbmd train <pipeline>`: trains what the cohort supports, says which stages it trained, and with --folds validates out of fold. */
export async function trainCommand(pipeline: string, o: TrainCommandOptions): Promise<TrainForearmResult & { metrics: MeasurementMetrics | undefined }> {
  if (!PIPELINES.includes(pipeline as (typeof PIPELINES)[number])) {
    throw new OpenBmdError('BAD_ARGUMENT', `the ${pipeline} pipeline cannot be trained yet (available: ${PIPELINES.join(', ')})`);
  }
  if (pipeline === 'ct-spine') throw new OpenBmdError('BAD_ARGUMENT', 'the ct-spine pipeline trains through trainCtSpineCommand');
  if (o.networks !== undefined && o.fineTune !== undefined) throw new OpenBmdError('BAD_ARGUMENT', '--networks (reuse as they are) and --fine-tune (train further) exclude each other');
  const tf = await nnBackend('wasm');
  const write = (line: string): void => void process.stderr.write(`${line}\n`);
  const result = await trainForearm(tf, {
    cohortCsv: o.cohort,
    outDir: o.out,
    folds: o.folds,
    seed: o.seed,
    networksFrom: o.networks,
    fineTuneFrom: o.fineTune,
    backgroundRemoval: o.backgroundRemoval ?? true,
    epochs: parseEpochs(o.epochs ?? DEFAULT_EPOCHS),
    batchSize: o.batchSize ?? 8,
    cores: o.cores ?? Math.min(2, availableParallelism()),
    command: o.command ?? `openbmd train ${process.argv.slice(3).join(' ')}`.trim(),
    write,
  });
  for (const [stage, what] of Object.entries(result.stages)) write(`openbmd train: ${stage}: ${what}`);
  const line = (name: string, e: AbmdEquation): string => `openbmd train: Eq. [2] ${name}: P = ${e.pGPerCm2PerMm.toFixed(5)} g/cm2/mm, Q = ${e.q.toFixed(4)}, R = ${e.rGPerCm2.toFixed(4)} g/cm2 (n = ${e.n})`;
  write(`openbmd train: Eq. [2]'s T_t is ${result.equation.softTissue === 'under-radius' ? 'the soft tissue beneath the radius' : "seed 000's soft-tissue rectangle"}`);
  write(line('pooled', result.equation.pooled));
  for (const d of result.equation.detectors) write(line(d.detector, d.equation));
  if (result.failed.length > 0) write(`openbmd train: ${result.failed.length} case(s) could not be measured (listed above)`);
  let metrics: MeasurementMetrics | undefined;
  if (result.predictionsCsv !== undefined) {
    const evaluation = runEvaluation({ cohortCsv: o.cohort, predictionsCsv: result.predictionsCsv, model: o.out });
    const files = await writeEvaluationReport(evaluation, o.out);
    const m = evaluation.document.measurements['forearm_abmd'];
    metrics = m;
    if (m !== undefined) write(`openbmd train: out-of-fold forearm aBMD, n = ${m.n}: r = ${m.pcc.toFixed(4)}, MAE = ${m.mae.toFixed(4)} g/cm2, bias = ${m.bias.toFixed(4)} g/cm2`);
    write(`openbmd train: wrote ${result.predictionsCsv}, ${files.metricsJson}, ${files.html}, ${files.pdf}`);
  }
  write(`openbmd train: model folder ${result.modelDir}`);
  return { ...result, metrics };
}
