import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import { readValidatedJson } from '../../core/read-validated-json.js';

/** One finished epoch of a training run (loops may add their own figures, e.g. the GAN's loss parts). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number | null;
  learningRate: number;
  seconds: number;
}

/** Everything needed to continue a run after its last finished epoch. */
export interface CheckpointState {
  /** Fingerprint of the run's settings: a checkpoint resumes only the run that wrote it. */
  runKey: string;
  epochsDone: number;
  history: EpochRecord[];
  bestEpoch: number | null;
  bestLoss: number | null;
  epochsWithoutImprovement: number;
  optimizerStep: number;
}

/** The arrays of a checkpoint: every model weight, the optimiser's moments, and the best weights so far. */
export interface CheckpointArrays {
  weights: Float32Array[];
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
  best: Float32Array[] | null;
}

const epochSchema = z
  .object({ epoch: z.number(), trainLoss: z.number(), validationLoss: z.number().nullable(), learningRate: z.number(), seconds: z.number() })
  .catchall(z.number().nullable());
const checkpointSchema = z.object({
  format: z.literal('openbmd-training-checkpoint'),
  runKey: z.string(),
  epochsDone: z.number().int().nonnegative(),
  history: z.array(epochSchema),
  bestEpoch: z.number().nullable(),
  bestLoss: z.number().nullable(),
  epochsWithoutImprovement: z.number().int().nonnegative(),
  optimizerStep: z.number().int().nonnegative(),
  arraysFile: z.string().regex(/^checkpoint-e\d+\.bin$/),
  sha256: z.string(),
  lengths: z.object({
    weights: z.array(z.number().int()),
    firstMoments: z.array(z.number().int()),
    secondMoments: z.array(z.number().int()),
    best: z.array(z.number().int()).nullable(),
  }),
});

const CHECKPOINT_FILE = 'checkpoint.json';

function concatenate(groups: Float32Array[][]): Buffer {
  const total = groups.reduce((n, g) => n + g.reduce((m, a) => m + a.length, 0), 0);
  const joined = new Float32Array(total);
  let offset = 0;
  for (const group of groups) {
    for (const a of group) {
      joined.set(a, offset);
      offset += a.length;
    }
  }
  return Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength);
}

/**
 * Writes the checkpoint so an interruption at any moment leaves a readable one: the arrays go to a
 * new file named by epoch, then checkpoint.json (pointing at it, with its SHA-256) is replaced by a
 * rename, then the previous arrays file is removed.
 */
export function saveCheckpoint(dir: string, state: CheckpointState, arrays: CheckpointArrays): void {
  mkdirSync(dir, { recursive: true });
  const arraysFile = `checkpoint-e${String(state.epochsDone).padStart(5, '0')}.bin`;
  const bytes = concatenate([arrays.weights, arrays.firstMoments, arrays.secondMoments, arrays.best ?? []]);
  writeFileSync(join(dir, arraysFile), bytes);
  const previous = existsSync(join(dir, CHECKPOINT_FILE))
    ? (JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')) as { arraysFile?: string }).arraysFile
    : undefined;
  const lengths = {
    weights: arrays.weights.map((a) => a.length),
    firstMoments: arrays.firstMoments.map((a) => a.length),
    secondMoments: arrays.secondMoments.map((a) => a.length),
    best: arrays.best === null ? null : arrays.best.map((a) => a.length),
  };
  const json = { format: 'openbmd-training-checkpoint', ...state, arraysFile, sha256: createHash('sha256').update(bytes).digest('hex'), lengths };
  writeFileSync(join(dir, `${CHECKPOINT_FILE}.tmp`), `${JSON.stringify(json, null, 1)}\n`);
  renameSync(join(dir, `${CHECKPOINT_FILE}.tmp`), join(dir, CHECKPOINT_FILE));
  if (previous !== undefined && previous !== arraysFile && /^checkpoint-e\d+\.bin$/.test(previous)) rmSync(join(dir, previous), { force: true });
}

/**
 * The checkpoint in `dir`, or undefined when there is none. A checkpoint of another run (different
 * settings), or one whose arrays are missing, damaged or of other sizes, is a BAD_MODEL error
 * naming the file: resuming from it would silently train something else.
 */
export function loadCheckpoint(dir: string, runKey: string, expectedWeightLengths: number[]): { state: CheckpointState; arrays: CheckpointArrays } | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: z.infer<typeof checkpointSchema>;
  try {
    parsed = readValidatedJson(path, checkpointSchema, 'training checkpoint');
  } catch (thrown) {
    throw new OpenBmdError('BAD_MODEL', `training checkpoint is damaged (${(thrown as Error).message}); delete the folder to start again`, { file: path });
  }
  if (parsed.runKey !== runKey)
    throw new OpenBmdError(
      'BAD_MODEL',
      'this checkpoint belongs to a training run with other settings (architecture, loss, data or seed); use another output folder or delete it',
      { file: path },
    );
  const arraysPath = join(dir, parsed.arraysFile);
  if (!existsSync(arraysPath)) throw new OpenBmdError('BAD_MODEL', `training checkpoint names ${parsed.arraysFile}, which is missing`, { file: path });
  const bytes = readFileSync(arraysPath);
  if (createHash('sha256').update(bytes).digest('hex') !== parsed.sha256)
    throw new OpenBmdError('BAD_MODEL', 'training checkpoint arrays are damaged (SHA-256 differs)', { file: arraysPath });
  const { weights } = parsed.lengths;
  if (weights.length !== expectedWeightLengths.length || weights.some((n, i) => n !== expectedWeightLengths[i])) {
    throw new OpenBmdError('BAD_MODEL', 'training checkpoint weights do not fit this network', { file: path });
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const take = (lengths: number[]): Float32Array[] =>
    lengths.map((n) => {
      const part = all.slice(offset, offset + n);
      offset += n;
      return part;
    });
  const arrays: CheckpointArrays = {
    weights: take(parsed.lengths.weights),
    firstMoments: take(parsed.lengths.firstMoments),
    secondMoments: take(parsed.lengths.secondMoments),
    best: parsed.lengths.best === null ? null : take(parsed.lengths.best),
  };
  if (offset !== all.length) throw new OpenBmdError('BAD_MODEL', 'training checkpoint arrays have the wrong size', { file: arraysPath });
  const { runKey: key, epochsDone, history, bestEpoch, bestLoss, epochsWithoutImprovement, optimizerStep } = parsed;
  return { state: { runKey: key, epochsDone, history, bestEpoch, bestLoss, epochsWithoutImprovement, optimizerStep }, arrays };
}
