import { parentPort } from 'node:worker_threads';
import { createVolume3D } from '../../core/volume3d.js';
import type { DrrBand } from './render-drr-parallel.js';
import { takeRows } from './drr-row-counter.js';
import { drrVolume } from './drr-volume.js';
import { drrRays } from './drr-geometry.js';
import { renderDrr, renderDrrRows } from './render-drr.js';

// Started while the main thread reads the volume: cast a small DRR first so the ray walk is
// compiled before the real one arrives (a thread otherwise casts its first rows slowly).
warmUp();

function warmUp(): void {
  const n = 24;
  const values = new Float32Array(n * n * n).fill(0.02);
  const volume = createVolume3D({ data: values, size: [n, n, n], spacingMm: [1, 1, 1], originMm: [-11.5, -11.5, -11.5], unit: 'raw' });
  const rays = drrRays({
    sourceToIsocenterMm: 100,
    sourceToDetectorMm: 150,
    isocenterMm: [0, 0, 0],
    towardSource: [0, -1, 0],
    up: [0, 0, 1],
    rows: 96,
    columns: 96,
    pixelMm: [0.4, 0.4],
  });
  renderDrr({ volume: drrVolume({ volume, values }), rays });
}

// Casts detector rows for render-drr-parallel.ts, taking them from the shared counter until none are left.
parentPort?.on('message', (band: DrrBand) => {
  const volume = createVolume3D({
    data: band.values,
    size: band.size,
    spacingMm: band.spacingMm,
    originMm: band.originMm,
    direction: band.direction,
    unit: 'raw',
  });
  renderDrrRows({ volume: drrVolume({ volume, values: band.values }), rays: band.rays, out: band.out, nextRows: () => takeRows(band.counter, band.rays.rows) });
  parentPort?.postMessage('done');
});
