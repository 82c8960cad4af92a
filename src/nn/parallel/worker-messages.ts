import type { TrainingLossName } from '../losses/training-loss.js';
import type { NetworkSpec } from '../architectures/network-spec.js';
import type { HostBatch } from '../training/training-data.js';

/** Messages from the parent to an nn worker thread. */
export type WorkerRequest =
  | { type: 'replica'; spec: NetworkSpec; loss: TrainingLossName }
  | { type: 'gradients'; weights: Float32Array[]; batch: HostBatch }
  | { type: 'task'; moduleUrl: string; exportName: string; args: unknown };

/** Replies: one per request, in order. */
export type WorkerReply =
  | { type: 'ready'; weightLengths: number[] }
  | { type: 'gradients'; loss: number; gradients: Float32Array[] }
  | { type: 'result'; value: unknown }
  | { type: 'error'; code: string; message: string; file?: string };
