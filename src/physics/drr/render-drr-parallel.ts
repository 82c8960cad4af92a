import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix3, Point3 } from '../../core/geometry.js';
import type { Volume3D } from '../../core/volume3d.js';
import type { DrrRays } from './drr-geometry.js';
import { drrVolume } from './drr-volume.js';
import type { DetectorRowSet } from './render-drr.js';
import { renderDrr } from './render-drr.js';

/** What a worker renders: the volume's geometry, its values (shared, not copied) and its rows. */
export interface DrrBand {
  values: Float32Array;
  size: readonly [number, number, number];
  spacingMm: readonly [number, number, number];
  originMm: Point3;
  direction: Matrix3;
  rays: DrrRays;
  rowSet: DetectorRowSet;
}

/** Per-voxel values in memory the workers can read without a copy. */
export function sharedValues(count: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(count * Float32Array.BYTES_PER_ELEMENT));
}

/** Worker threads started ahead of the rays (a thread takes tens of ms to start): each renders one row set, once. */
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
 * thread and each worker take every n-th detector row. Values not in shared memory render here
 * alone. Rays are independent, so the rows join into the same image as one thread gives.
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
  const workers = shared ? started.workers.slice(0, o.rays.rows - 1) : [];
  stopDrrWorkers({ workers: started.workers.slice(workers.length) });
  const volume = drrVolume({ volume: o.volume, values: o.values });
  if (workers.length === 0) return renderDrr({ volume, rays: o.rays });
  const { rows, columns } = o.rays;
  const threads = workers.length + 1;
  const out = new Float32Array(rows * columns);
  /** Rows t, t + threads, ... into their places in the image. */
  const place = (t: number, packed: Float32Array): void => {
    for (let r = t, k = 0; r < rows; r += threads, k++) out.set(packed.subarray(k * columns, (k + 1) * columns), r * columns);
  };
  const fromWorkers = workers.map(
    (worker, w) =>
      new Promise<void>((resolve, reject) => {
        worker.once('message', (packed: Float32Array) => {
          place(w + 1, packed);
          void worker.terminate();
          resolve();
        });
        worker.once('error', (error) => {
          stopDrrWorkers({ workers });
          reject(error);
        });
        const band: DrrBand = {
          values: o.values,
          size: o.volume.size,
          spacingMm: o.volume.spacingMm,
          originMm: o.volume.originMm,
          direction: o.volume.direction,
          rays: o.rays,
          rowSet: { firstRow: w + 1, rowStep: threads },
        };
        worker.postMessage(band);
      }),
  );
  // The calling thread takes its share while the workers take theirs.
  try {
    place(0, renderDrr({ volume, rays: o.rays, rowSet: { firstRow: 0, rowStep: threads } }));
  } catch (error) {
    stopDrrWorkers({ workers });
    throw error;
  }
  await Promise.all(fromWorkers);
  return out;
}
