// Step-wedge search (issue 6): openbmd's coarse-to-fine search on whole radiographs vs the usual
// OpenCV way (cv2.matchTemplate with the template rotated every degree over 360, on the image
// already reduced to the search resolution). Same answer is checked; times are printed and saved.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downsample, findStepWedge, normaliseGrey } from '../src/calibration/step-wedge/find-step-wedge.js';
import { readStepWedgePhantom } from '../src/calibration/step-wedge/step-wedge-phantom.js';
import { renderWedgeTemplate } from '../src/calibration/step-wedge/wedge-template.js';
import { dicomFrameToImage2D } from '../src/io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../src/io/dicom/read-dicom.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../scripts/opencv-wedge-search.py', import.meta.url));

export interface WedgeSearchRow {
  image: string;
  size: string;
  openbmdSeconds: number;
  opencvSeconds: number | null;
  ratio: number | null;
  centreDifferenceMm: number | null;
  angleDifferenceDeg: number | null;
}

/** Compares the two searches on every image of a simulated forearm cohort folder. */
export async function compareWedgeSearch(cohortDir: string, count: number): Promise<WedgeSearchRow[]> {
  const rows: WedgeSearchRow[] = [];
  const canRunOpenCv = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import cv2'], { encoding: 'utf8' }).status === 0;
  for (let i = 1; i <= count; i++) {
    const id = `forearm-${String(i).padStart(4, '0')}`;
    const image = dicomFrameToImage2D(await readDicomFile(join(cohortDir, 'images', `${id}.dcm`)));
    const phantom = readStepWedgePhantom(join(cohortDir, 'phantoms', `${id}.json`));
    findStepWedge(image, phantom);
    const started = process.hrtime.bigint();
    const ours = findStepWedge(image, phantom);
    const openbmdSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const row: WedgeSearchRow = {
      image: id,
      size: `${image.size[0]}x${image.size[1]}`,
      openbmdSeconds,
      opencvSeconds: null,
      ratio: null,
      centreDifferenceMm: null,
      angleDifferenceDeg: null,
    };
    if (canRunOpenCv) {
      const fineFactor = Math.max(1, Math.floor(phantom.widthMm / 30 / image.spacingMm[0]));
      const fine = downsample(image, fineFactor);
      normaliseGrey([fine], fine.data);
      const template = renderWedgeTemplate(phantom, image.spacingMm[0] * fineFactor, 0, 3);
      const run = spawnSync(PYTHON, [SCRIPT], {
        input: JSON.stringify({
          image: Array.from(fine.data),
          columns: fine.columns,
          rows: fine.rows,
          template: Array.from(template.plane.data),
          mask: Array.from(template.mask),
          tcolumns: template.plane.columns,
          trows: template.plane.rows,
          angleStepDeg: 1,
        }),
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (run.status !== 0) throw new Error(`OpenCV wedge search: ${run.stderr}`);
      const cv = JSON.parse(run.stdout) as { centre: [number, number]; angleDeg: number; seconds: number };
      const centrePx: [number, number] = [(cv.centre[0] + 0.5) * fineFactor - 0.5, (cv.centre[1] + 0.5) * fineFactor - 0.5];
      row.opencvSeconds = cv.seconds;
      row.ratio = openbmdSeconds / cv.seconds;
      row.centreDifferenceMm = Math.hypot(centrePx[0] - ours.pose.centerPx[0], centrePx[1] - ours.pose.centerPx[1]) * image.spacingMm[0];
      row.angleDifferenceDeg = Math.abs((((((ours.pose.angleRad * 180) / Math.PI - cv.angleDeg) % 360) + 540) % 360) - 180);
    }
    console.error(
      `  wedge search ${id} (${row.size}): openbmd ${openbmdSeconds.toFixed(3)} s, OpenCV ${row.opencvSeconds?.toFixed(3) ?? 'not run'} s, centre difference ${row.centreDifferenceMm?.toFixed(2) ?? '-'} mm, angle difference ${row.angleDifferenceDeg?.toFixed(1) ?? '-'} deg`,
    );
    rows.push(row);
  }
  return rows;
}
