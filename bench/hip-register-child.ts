/**
 * `npm run bench -- hip-ct`'s registration part, in its own process: segments the SIMULATED hip CT
 * of a person and registers it to each of the person's radiographs (pelvis, then the left femur),
 * printing the seconds of each registration as JSON. Usage: node hip-register-child.js <cohort> <person>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCtSeriesFolder } from '../src/io/ct-volume/read-ct-volume.js';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';
import { ctAttenuationPerMm } from '../src/physics/drr/ct-attenuation.js';
import { loadMaterialCatalog } from '../src/physics/material-catalog.js';
import { segmentHipCt } from '../src/pipelines/hip/ct/hip-ct-side.js';
import { hipRadiographGeometry } from '../src/pipelines/hip/register/hip-radiograph-geometry.js';
import { registerHipRadiograph } from '../src/pipelines/hip/register/register-hip-radiograph.js';

const [cohort, person] = process.argv.slice(2) as [string, string];
const ct = await readCtSeriesFolder(join(cohort, 'images', `${person}-ct`), { minCoverageMm: 60, minSlices: 12, reason: 'to hold the hips' });
const seg = segmentHipCt(ct.volume, person);
const left = seg.sides.left.finding.headCentreMm!;
const right = seg.sides.right.finding.headCentreMm!;
const mid: [number, number, number] = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2, (left[2] + right[2]) / 2];
const rows = readFileSync(join(cohort, 'cohort.csv'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith(`${person}-`));
const attenuationPerMm = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: 50, ctKeV: 70 });
const seconds: number[] = [];
for (const row of rows) {
  const dicom = await readDicomFile(join(cohort, row.split(',')[3]!));
  const image = dicomFrameToImage2D(dicom);
  const [columns, rowCount] = image.size;
  const registration = registerHipRadiograph({
    ct: ct.volume,
    labels: seg.labels,
    headCentresMm: { left, right },
    targetSide: 'left',
    attenuationPerMm,
    radiograph: { data: Float32Array.from(image.data), rows: rowCount, columns },
    geometry: hipRadiographGeometry({ image: dicom, isocenterMm: mid }),
    seed: 1,
  });
  seconds.push(registration.seconds);
}
process.stdout.write(`${JSON.stringify({ seconds })}\n`);
