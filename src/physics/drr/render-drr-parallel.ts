import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix3, Point3 } from '../../core/geometry.js';
import type { Volume3D } from '../../core/volume3d.js';
import type { DrrRays } from './drr-geometry.js';
import { drrVolume } from './drr-volume.js';
import { renderDrr } from './render-drr.js';

/** What a worker renders: the volume's geometry, its values (shared, not copied) and a band of rows. */
export interface DrrBand {
  values: Float32Array;
  size: readonly [number, number, number];
  spacingMm: readonly [number, number, number];
  originMm: Point3;
  direction: Matrix3;
  rays: DrrRays;
  firstRow: number;
  endRow: number;
}

/** Per-voxel values in memory the workers can read without a copy. */
export function sharedValues(count: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(count * Float32Array.BYTES_PER_ELEMENT));
}

/** Worker threads started ahead of the rays (a thread takes tens of ms to start): each renders one band, once. */
export interface DrrWorkers {
  readonly workers: readonly Worker[];
}

/**
 * Starts the worker threads of one renderDrrParallel call (default: one per core), so they start
 * while the volume is read and converted. Workers not handed to a render must be terminated.
 */
export function startDrrWorkers(threads?: number): DrrWorkers {
  const count = Math.max(1, threads ?? availableParallelism());
  return { workers: count === 1 ? [] : Array.from({ length: count }, () => new Worker(new URL('./drr-worker.js', import.meta.url))) };
}

/** Stops workers that will not render (the input could not be projected). */
export function stopDrrWorkers(started: DrrWorkers): void {
  for (const worker of started.workers) void worker.terminate();
}

/**
 * renderDrr over worker threads (`workers`, or `threads` started here; default one per core), each
 * a band of rows (the main thread only waits). One thread, or values not in shared memory, render
 * here. Rays are independent, so the bands join into the same image as one thread gives.
 */
export async function renderDrrParallel(o: {
  volume: Volume3D;
  values: Float32Array;
  rays: DrrRays;
  threads?: number;
  workers?: DrrWorkers;
}): Promise<Float32Array> {
  const started = o.workers ?? startDrrWorkers(Math.min(o.threads ?? availableParallelism(), o.rays.rows));
  const workers = started.workers.slice(0, o.rays.rows);
  stopDrrWorkers({ workers: started.workers.slice(workers.length) });
  if (workers.length <= 1 || !(o.values.buffer instanceof SharedArrayBuffer)) {
    stopDrrWorkers({ workers });
    return renderDrr({ volume: drrVolume({ volume: o.volume, values: o.values }), rays: o.rays });
  }
  const out = new Float32Array(o.rays.rows * o.rays.columns);
  const threads = workers.length;
  await Promise.all(
    workers.map(
      (worker, t) =>
        new Promise<void>((resolve, reject) => {
          const [firstRow, endRow] = [Math.floor((t * o.rays.rows) / threads), Math.floor(((t + 1) * o.rays.rows) / threads)];
          worker.once('message', (rows: Float32Array) => {
            out.set(rows, firstRow * o.rays.columns);
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
            firstRow,
            endRow,
          };
          worker.postMessage(band);
        }),
    ),
  );
  return out;
}
