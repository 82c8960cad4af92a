// The hip CT side of seed 001 against a SIMULATED hip cohort's truth: per person, the femur
// segmentation (Dice of each femur, of the target proximal-femur region, head-centre error) and, per
// radiograph, the 2D-3D registration of the CT to it (pelvis then target femur): the projected
// head centre against the truth landmark (mm at the detector), the projected PF region against the
// truth PF-DRR's support (Dice, centroid distance in mm), seconds. Truth files are read here only.
// Usage (after npm run build): node scripts/evaluate-hip-ct.mjs <cohort folder> [persons, e.g. hip-0001,hip-0002 | all] [poses | none] [--downsample fx,fy,fz]
// --downsample box-averages each CT by whole factors per axis before segmenting it (partial volume,
// as a coarser scanner grid gives: 2,2,2 turns the simulator's 1.6 x 1.6 x 2 mm into 3.2 x 3.2 x
// 4 mm), and the truth labels with it (a coarse voxel is a label's where at least half its fine
// voxels are), to measure the segmentation at a hospital CT's resolution.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCtSeriesFolder } from '../dist/src/io/ct-volume/read-ct-volume.js';
import { readDicomFile } from '../dist/src/io/dicom/read-dicom.js';
import { dicomFrameToImage2D } from '../dist/src/io/dicom/dicom-to-image2d.js';
import { readNifti } from '../dist/src/io/nifti.js';
import { downsampleVolume } from '../dist/src/imaging/volume/downsample-volume.js';
import { ctAttenuationPerMm } from '../dist/src/physics/drr/ct-attenuation.js';
import { drrRays } from '../dist/src/physics/drr/drr-geometry.js';
import { drrVolume } from '../dist/src/physics/drr/drr-volume.js';
import { renderDrr } from '../dist/src/physics/drr/render-drr.js';
import { loadMaterialCatalog } from '../dist/src/physics/material-catalog.js';
import { segmentHipCt } from '../dist/src/pipelines/hip/index.js';
import { hipRadiographGeometry } from '../dist/src/pipelines/hip/register/hip-radiograph-geometry.js';
import { registerHipRadiograph } from '../dist/src/pipelines/hip/register/register-hip-radiograph.js';
import { projectPoint, raysSeeingPose } from '../dist/src/registration/rigid-pose.js';
import { median } from '../dist/src/stats/descriptive.js';
import { maskOverlap } from '../dist/src/stats/segmentation-metrics.js';

const downsampleAt = process.argv.indexOf('--downsample');
const factors = downsampleAt < 0 ? undefined : process.argv[downsampleAt + 1].split(',').map(Number);
const args = downsampleAt < 0 ? process.argv.slice(2) : process.argv.slice(2, downsampleAt).concat(process.argv.slice(downsampleAt + 2));
const cohort = args[0];
if (cohort === undefined) {
  process.stderr.write('usage: node scripts/evaluate-hip-ct.mjs <cohort folder> [persons] [poses]\n');
  process.exit(2);
}
const persons =
  args[1] === undefined || args[1] === 'all'
    ? [...new Set(readdirSync(join(cohort, 'truth')).map((f) => f.replace(/\.json$/, '')))].sort()
    : args[1].split(',');
const poseFilter = args[2]?.split(',');
const dice = (a, b) => maskOverlap(a, b).dice;

/** Each label on the coarse grid where at least half of the block's fine voxels hold it (else 0). */
function downsampledLabels(volume, labels, f) {
  const out = new Uint8Array(volume.size.reduce((n, s, a) => n * Math.ceil(s / f[a]), 1));
  for (const v of new Set(labels)) {
    if (v === 0) continue;
    const share = downsampleVolume(
      volume,
      Float32Array.from(labels, (x) => (x === v ? 1 : 0)),
      f,
    ).values;
    for (let q = 0; q < out.length; q++) if (share[q] >= 0.5) out[q] = v;
  }
  return out;
}
const perMm = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: 50, ctKeV: 70 });
const all = { femurDice: [], pfDice: [], headMm: [], regHeadMm: [], regPfDice: [], regCentroidMm: [], seconds: [] };
for (const person of persons) {
  const read = await readCtSeriesFolder(join(cohort, 'images', `${person}-ct`), { minCoverageMm: 60, minSlices: 12, reason: 'to hold the hips' });
  const fineLabels = (await readNifti(join(cohort, 'masks', `${person}-ct-labels.nii.gz`))).data;
  const ct = factors === undefined ? read : { volume: downsampleVolume(read.volume, read.volume.data, factors).volume };
  const truthLabels = factors === undefined ? fineLabels : downsampledLabels(read.volume, fineLabels, factors);
  const seg = segmentHipCt(ct.volume, person);
  const truth = JSON.parse(readFileSync(join(cohort, 'truth', `${person}.json`), 'utf8'));
  const nx = ct.volume.size[0];
  const targetLeft = truth.shape.targetSide === 'L';
  const line = [person];
  for (const side of ['left', 'right']) {
    const isSide = (p) => (side === 'left' ? p % nx > nx / 2 : p % nx < nx / 2);
    const ours = Array.from(seg.labels, (v) => ((side === 'left' ? [2, 4] : [3, 5]).includes(v) ? 1 : 0));
    const ref = Array.from(truthLabels, (v, p) => (v === (side === 'left' ? 2 : 3) || (v === 4 && isSide(p)) ? 1 : 0));
    const d = dice(ours, ref);
    const h = truth.shape.leftHipCentreMm;
    const expected = [side === 'left' ? h[0] : -h[0], h[1], h[2]];
    const found = seg.sides[side].finding.headCentreMm;
    const headMm = found === undefined ? NaN : Math.hypot(found[0] - expected[0], found[1] - expected[1], found[2] - expected[2]);
    all.femurDice.push(d);
    all.headMm.push(headMm);
    line.push(`${side} femur Dice ${d.toFixed(3)} head ${headMm.toFixed(1)} mm`);
  }
  const pfLabel = targetLeft ? 4 : 5;
  const pfDice = dice(
    Array.from(seg.labels, (v) => (v === pfLabel ? 1 : 0)),
    Array.from(truthLabels, (v) => (v === 4 ? 1 : 0)),
  );
  all.pfDice.push(pfDice);
  line.push(`PF Dice ${pfDice.toFixed(3)}`);
  console.log(line.join('; '));
  const heads = { left: seg.sides.left.finding.headCentreMm, right: seg.sides.right.finding.headCentreMm };
  if (heads.left === undefined || heads.right === undefined) continue;
  const landmarks = JSON.parse(readFileSync(join(cohort, 'landmarks', `${person}.json`), 'utf8')).poses;
  const side = targetLeft ? 'left' : 'right';
  const mid = [0, 1, 2].map((a) => (heads.left[a] + heads.right[a]) / 2);
  for (const pose of Object.keys(landmarks).filter((p) => poseFilter === undefined || poseFilter.includes(p))) {
    const dicom = await readDicomFile(join(cohort, 'images', `${person}-${pose}.dcm`));
    const image = dicomFrameToImage2D(dicom);
    const [columns, rows] = image.size;
    const geometry = hipRadiographGeometry({ image: dicom, isocenterMm: mid });
    const reg = registerHipRadiograph({
      ct: ct.volume,
      labels: seg.labels,
      headCentresMm: heads,
      targetSide: side,
      attenuationPerMm: perMm,
      radiograph: { data: Float32Array.from(image.data), rows, columns },
      geometry,
      seed: 1,
    });
    const rays = drrRays(geometry);
    const pitch = geometry.pixelMm[0];
    const lm = landmarks[pose];
    const [r, c] = projectPoint(raysSeeingPose(rays, reg.femurPose, reg.femurCentreMm), heads[side]);
    const headMm = Math.hypot(r - lm.femoralHeadCentre[1], c - lm.femoralHeadCentre[0]) * pitch;
    const projected = renderDrr({
      volume: drrVolume({ volume: ct.volume, values: Float32Array.from(seg.labels, (v) => (v === pfLabel ? 1 : 0)) }),
      rays: raysSeeingPose(rays, reg.femurPose, reg.femurCentreMm),
    });
    const truthPf = (await readNifti(join(cohort, 'drr', `${person}-${pose}-pf-drr.nii.gz`))).data;
    const d = dice(projected, truthPf);
    const centroid = (img) => {
      let n = 0;
      let x = 0;
      let y = 0;
      for (let p = 0; p < img.length; p++) if (img[p] > 0) (n++, (x += p % columns), (y += Math.floor(p / columns)));
      return [x / n, y / n];
    };
    const [ax, ay] = centroid(projected);
    const [bx, by] = centroid(truthPf);
    const centroidMm = Math.hypot(ax - bx, ay - by) * pitch;
    all.regHeadMm.push(headMm);
    all.regPfDice.push(d);
    all.regCentroidMm.push(centroidMm);
    all.seconds.push(reg.seconds);
    console.log(
      `  ${pose.padEnd(9)} head ${headMm.toFixed(1)} mm, PF support Dice ${d.toFixed(3)}, centroid ${centroidMm.toFixed(1)} mm, ${reg.seconds.toFixed(1)} s (GC pelvis ${reg.gradientCorrelation.pelvis.toFixed(2)}, femur ${reg.gradientCorrelation.femur.toFixed(2)})`,
    );
  }
}
const share = (v, ok) => `${v.filter(ok).length}/${v.length}`;
console.log(
  `SIMULATED summary: femur Dice median ${median(all.femurDice).toFixed(3)} (min ${Math.min(...all.femurDice).toFixed(3)}), PF Dice median ${median(all.pfDice).toFixed(3)}, head centre median ${median(all.headMm).toFixed(1)} mm`,
);
if (all.seconds.length > 0)
  console.log(
    `registration: projected head median ${median(all.regHeadMm).toFixed(1)} mm, within 5 mm ${share(all.regHeadMm, (v) => v <= 5)}; PF support Dice median ${median(all.regPfDice).toFixed(3)}, >= 0.9 ${share(all.regPfDice, (v) => v >= 0.9)}; centroid median ${median(all.regCentroidMm).toFixed(1)} mm; ${median(all.seconds).toFixed(1)} s per radiograph (median)`,
  );
