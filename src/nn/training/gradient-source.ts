import type * as tfTypes from '../tfjs-types.js';
import type { HostBatch } from './training-data.js';

/** Where a step's gradients come from: this process, or this process and worker replicas (data parallel). */
export interface GradientSource {
  compute(batch: HostBatch): Promise<{ loss: number; gradients: tfTypes.Tensor[] }>;
  /** Called after every optimiser step, so replicas can take the new weights. */
  afterUpdate?(): void;
}
