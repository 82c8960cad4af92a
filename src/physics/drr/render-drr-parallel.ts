import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix3, Point3 } from '../../core/geometry.js';
import type { Volume3D } from '../../core/volume3d.js';
import type { DrrRays } from './drr-geometry.js';
import { drrVolume } from './drr-volume.js';
import { renderDrr, renderDrrRows } from './render-drr.js';
import { DRR_ROWS_PER_TAKE, sharedRowCounter, takeRows } from './drr-row-counter.js';

/** What a worker casts: the volume's geometry, its values, the image and the row counter, all shared, not copied. */
export interface DrrBand {
  values: Float32Array;
  size: readonly [number, number, number];
  spacingMm: readonly [number, number, number];
  originMm: Point3;
  direction: Matrix3;
  rays: DrrRays;
  /** The whole detector, rows x columns, in shared memory. */
  out: Float32Array;
  /** counter[0]: the first row no thread has taken yet. */
  counter: Int32Array;
}

/** Per-voxel values in memory the workers can read without a copy. */
export function sharedValues(count: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(count * Float32Array.BYTES_PER_ELEMENT));
}

/** Worker threads started ahead of the rays (a thread takes tens of ms to start): each casts for one render, once. */
export interface DrrWorkers {
  readonly workers: readonly Worker[];
}

/**
 * Starts the worker threads of one renderDrrParallel call: `threads` in all (default one per
 * core), the calling thread one of them, so threads - 1 workers, started while the volume is read
 * and converted. Workers not handed to a render must be stopped.
 */
export function startDrrWorkers(threads?: number): DrrWorkers {
  const count = Math.max(1, threads ?? availableParallelism()) - 1;
  return { workers: Array.from({ length: count }, () => new Worker(new URL('./drr-worker.js', import.meta.url))) };
}

/** Stops workers that will not render (the input could not be projected). */
export function stopDrrWorkers(started: DrrWorkers): void {
  for (const worker of started.workers) void worker.terminate();
}

/**
 * renderDrr over threads (`workers`, or `threads` started here; default one per core): the calling
 * thread and each worker take the next few detector rows until none are left, writing into one
 * shared image. Values not in shared memory render here alone. Rays are independent, so the image
 * is the one a single thread gives.
 */
export async function renderDrrParallel(o: {
  volume: Volume3D;
  values: Float32Array;
  rays: DrrRays;
  threads?: number;
  workers?: DrrWorkers;
}): Promise<Float32Array> {
  const started = o.workers ?? startDrrWorkers(Math.min(o.threads ?? availableParallelism(), o.rays.rows));
  const shared = o.values.buffer instanceof SharedArrayBuffer;
  const workers = shared ? started.workers.slice(0, Math.ceil(o.rays.rows / DRR_ROWS_PER_TAKE) - 1) : [];
  stopDrrWorkers({ workers: started.workers.slice(workers.length) });
  const volume = drrVolume({ volume: o.volume, values: o.values });
  if (workers.length === 0) return renderDrr({ volume, rays: o.rays });
  const { rows, columns } = o.rays;
  const out = new Float32Array(new SharedArrayBuffer(rows * columns * Float32Array.BYTES_PER_ELEMENT));
  const counter = sharedRowCounter();
  const band: DrrBand = {
    values: o.values,
    size: o.volume.size,
    spacingMm: o.volume.spacingMm,
    originMm: o.volume.originMm,
    direction: o.volume.direction,
    rays: o.rays,
    out,
    counter,
  };
  const fromWorkers = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => {
          void worker.terminate();
          resolve();
        });
        worker.once('error', (error) => {
          stopDrrWorkers({ workers });
          reject(error);
        });
        worker.postMessage(band);
      }),
  );
  // The calling thread takes rows while the workers do.
  try {
    renderDrrRows({ volume, rays: o.rays, out, nextRows: () => takeRows(counter, rows) });
  } catch (error) {
    stopDrrWorkers({ workers });
    throw error;
  }
  await Promise.all(fromWorkers);
  return out;
}
