import { parentPort } from 'node:worker_threads';
import { createVolume3D } from '../../core/volume3d.js';
import type { DrrBand } from './render-drr-parallel.js';
import { drrVolume } from './drr-volume.js';
import { renderDrr } from './render-drr.js';

// One set of detector rows, from the volume's shared values: render-drr-parallel.ts starts these.
parentPort?.on('message', (band: DrrBand) => {
  const volume = createVolume3D({
    data: band.values,
    size: band.size,
    spacingMm: band.spacingMm,
    originMm: band.originMm,
    direction: band.direction,
    unit: 'raw',
  });
  const rows = renderDrr({ volume: drrVolume({ volume, values: band.values }), rays: band.rays, rowSet: band.rowSet });
  parentPort?.postMessage(rows, [rows.buffer as ArrayBuffer]);
});
