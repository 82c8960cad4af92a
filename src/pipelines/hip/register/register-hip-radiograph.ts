import type { Point3 } from '../../../core/geometry.js';
import type { Volume3D } from '../../../core/volume3d.js';
import { createVolume3D, volumeIndexToPointMm } from '../../../core/volume3d.js';
import { OpenBmdError } from '../../../core/errors.js';
import { voxelBounds } from '../../../imaging/volume/volume-grid.js';
import { equaliseHistogram } from '../../../imaging/equalise-histogram.js';
import { gaussianBlur2D } from '../../../imaging/gaussian-blur.js';
import { downsampleVolume } from '../../../imaging/volume/downsample-volume.js';
import type { DrrGeometry } from '../../../physics/drr/drr-geometry.js';
import { drrRays } from '../../../physics/drr/drr-geometry.js';
import { drrVolume } from '../../../physics/drr/drr-volume.js';
import type { GreyImage } from '../../../registration/gradient-correlation.js';
import { poseScorer, registerCtToRadiograph } from '../../../registration/register-ct-to-radiograph.js';
import type { RigidPose } from '../../../registration/rigid-pose.js';
import { IDENTITY_POSE, movePoint, projectPoint, raysSeeingPose } from '../../../registration/rigid-pose.js';
import type { HipSide } from '../ct/segment-femur.js';
import { SOFT_TISSUE_HU } from '../ct/segment-femur.js';
import { HIP_BONE_LABEL } from '../ct/segment-hip-bones.js';

/**
 * The radiograph's background, removed before it is equalised: a Gaussian this wide (mm at the
 * detector), several times a cortex or a joint space, well under a pelvis or a body.
 */
const BACKGROUND_SIGMA_MM = 10;
/** The CT's values fade to nothing over this length at its top and bottom, mm. */
const TAPER_MM = 30;
/** The femur window: the femur's projected bounds plus this margin, mm at the detector. */
const FEMUR_WINDOW_MARGIN_MM = 20;
/**
 * How far the search may go from the start. Pelvis: patients lie or stand within about 15 degrees of
 * the CT's orientation, their hips within 60 mm of the central ray. Femur: up to 30 degrees of leg
 * rotation about the head (abduction, rotation), its head fixed in the socket within 10 mm.
 */
const PELVIS_LIMITS = { rotationDeg: 15, translationMm: 60 };
const FEMUR_LIMITS = { rotationDeg: 30, translationMm: 10 };
/** The pelvis's starting shift is searched on a grid within this of the central ray, mm. */
const PELVIS_GRID_MM = 48;
const PELVIS_GRID_STEP_MM = 8;
/** The hip labels of a femur (outside and inside its PF region). */
const FEMUR_LABELS_OF: Record<HipSide, ReadonlySet<number>> = {
  left: new Set([HIP_BONE_LABEL.leftFemur, HIP_BONE_LABEL.leftProximalFemur]),
  right: new Set([HIP_BONE_LABEL.rightFemur, HIP_BONE_LABEL.rightProximalFemur]),
};
/** Abductions (degrees, about the AP axis) the femur's coarse search starts from. */
const FEMUR_START_ABDUCTIONS_DEG = [-12, 0, 12];

export interface HipRegistrationInput {
  /** Canonical CT (HU) and its hip labels (`segmentHipCt`). */
  ct: Volume3D;
  labels: Uint8Array;
  /** Patient-frame head centres, mm. */
  headCentresMm: Record<HipSide, Point3>;
  targetSide: HipSide;
  /** HU -> linear attenuation per mm of the radiograph's beam. */
  attenuationPerMm: (hu: number) => number;
  radiograph: GreyImage;
  /** `hipRadiographGeometry`, its central ray through the hips' midpoint. */
  geometry: DrrGeometry;
  seed: number;
}

export interface HipRegistration {
  /** The CT's pose (rotations about the hips' midpoint) that matches the pelvis. */
  pelvisPose: RigidPose;
  pelvisCentreMm: Point3;
  /** The target femur's pose, rotations about its head centre. */
  femurPose: RigidPose;
  femurCentreMm: Point3;
  gradientCorrelation: { pelvis: number; femur: number };
  evaluations: number;
  seconds: number;
}

/**
 * Seed 001's 2D-3D registration of a patient's CT to a hip radiograph, with the pelvis and the
 * target femur as separate rigid bodies (the radiograph's leg pose differs from the CT's): first the
 * pelvis's bone alone (its attenuation in excess of soft tissue, the femora left out) against the
 * whole radiograph, coarse (CT box-averaged 2x, radiograph binned 8 then 4): the body's outline,
 * the strongest edge of both images, drew a search that included the soft tissue to poses
 * centimetres off on the simulator's radiographs (head error median 93 mm against 6.9 mm bone-only
 * on 12 SIMULATED dev radiographs, seed 930), the radiograph's histogram equalised first (PF
 * support Dice >= 0.9 in 4 of 6 dev radiographs against 1 of 6 without); then the target femur alone (its excess attenuation over soft
 * tissue) against a window around where the pelvis pose projects it, rotations about its head,
 * starting from the pelvis pose.
 */
export function registerHipRadiograph(o: HipRegistrationInput): HipRegistration {
  const started = performance.now();
  const { ct, labels } = o;
  const { coarseBone, femurs } = prepared(o);
  const radiograph = equalised(highPassed(o.radiograph, BACKGROUND_SIGMA_MM / Math.min(o.geometry.pixelMm[0], o.geometry.pixelMm[1])));
  const L = o.headCentresMm.left;
  const R = o.headCentresMm.right;
  const pelvisCentre: Point3 = [(L[0] + R[0]) / 2, (L[1] + R[1]) / 2, (L[2] + R[2]) / 2];
  const pelvisInput = {
    volume: drrVolume({ volume: coarseBone.volume, values: coarseBone.values }),
    geometry: o.geometry,
    radiograph,
    centreMm: pelvisCentre,
  };
  // Where the hips lie on the detector is found first by trying a grid of shifts across it (CMA-ES
  // alone can settle on a pelvis shifted sideways by a few centimetres, similar edges meeting).
  const score = poseScorer(pelvisInput, 8);
  let start: RigidPose = IDENTITY_POSE;
  let startScore = -Infinity;
  let gridEvaluations = 0;
  for (let x = -PELVIS_GRID_MM; x <= PELVIS_GRID_MM; x += PELVIS_GRID_STEP_MM) {
    for (let z = -PELVIS_GRID_MM; z <= PELVIS_GRID_MM; z += PELVIS_GRID_STEP_MM) {
      const pose: RigidPose = { rotationDeg: [0, 0, 0], translationMm: [x, 0, z] };
      const gc = score(pose);
      gridEvaluations++;
      if (gc > startScore) {
        startScore = gc;
        start = pose;
      }
    }
  }
  const pelvis = registerCtToRadiograph({
    ...pelvisInput,
    start,
    rotationScaleDeg: 3,
    translationScaleMm: 10,
    limits: PELVIS_LIMITS,
    levels: [
      { binning: 8, sigma: 1.5, maxEvaluations: 300 },
      { binning: 4, sigma: 0.4, maxEvaluations: 150 },
    ],
    seed: o.seed,
  });
  // The femur: its voxels' excess over soft tissue, in a volume cropped to it.
  let femur = femurs.get(o.targetSide);
  if (femur === undefined) {
    const soft = o.attenuationPerMm(SOFT_TISSUE_HU);
    femur = cropToLabels(ct, labels, FEMUR_LABELS_OF[o.targetSide], (hu) => Math.max(0, o.attenuationPerMm(hu) - soft));
    femurs.set(o.targetSide, femur);
  }
  const head = o.headCentresMm[o.targetSide];
  const femurStart = recentre(pelvis.pose, pelvisCentre, head);
  const window = femurWindow(o.geometry, femur.cornersMm, femurStart, head);
  const cropped = cropImage(radiograph, window);
  const femurInput = {
    volume: drrVolume({ volume: femur.volume, values: femur.values }),
    geometry: {
      ...o.geometry,
      rows: window.rows,
      columns: window.columns,
      centrePx: [centreRow(o.geometry) - window.row0, centreColumn(o.geometry) - window.column0] as const,
    },
    radiograph: cropped,
    centreMm: head,
    rotationScaleDeg: 3,
    translationScaleMm: 3,
    limits: FEMUR_LIMITS,
  };
  // Legs are abducted or adducted by up to about 20 degrees between positions: the coarse search
  // starts from several abductions (about the AP axis) and the best goes on to the fine level.
  let best: ReturnType<typeof registerCtToRadiograph> | undefined;
  let evaluations = pelvis.evaluations + gridEvaluations;
  for (const [n, abductionDeg] of FEMUR_START_ABDUCTIONS_DEG.entries()) {
    const tried = registerCtToRadiograph({
      ...femurInput,
      start: {
        rotationDeg: [femurStart.rotationDeg[0], femurStart.rotationDeg[1] + abductionDeg, femurStart.rotationDeg[2]],
        translationMm: femurStart.translationMm,
      },
      levels: [{ binning: 4, sigma: 1, maxEvaluations: 150 }],
      seed: o.seed + 100 + n,
    });
    evaluations += tried.evaluations;
    if (best === undefined || tried.gradientCorrelation > best.gradientCorrelation) best = tried;
  }
  const femurStage = registerCtToRadiograph({
    ...femurInput,
    start: best!.pose,
    levels: [{ binning: 2, sigma: 0.3, maxEvaluations: 120 }],
    seed: o.seed + 200,
  });
  evaluations += femurStage.evaluations;
  return {
    pelvisPose: pelvis.pose,
    pelvisCentreMm: pelvisCentre,
    femurPose: femurStage.pose,
    femurCentreMm: head,
    gradientCorrelation: { pelvis: pelvis.gradientCorrelation, femur: femurStage.gradientCorrelation },
    evaluations,
    seconds: (performance.now() - started) / 1000,
  };
}

interface PreparedCt {
  ct: Volume3D;
  attenuationPerMm: (hu: number) => number;
  /** The pelvis stage's volume: the bone other than the femora, its excess attenuation over soft tissue, ends faded, box-averaged 2 x. */
  coarseBone: { volume: Volume3D; values: Float32Array };
  femurs: Map<HipSide, ReturnType<typeof cropToLabels>>;
}

/** Per segmentation (its label array), what every radiograph of the same CT shares: made once. */
const preparedCts = new WeakMap<Uint8Array, PreparedCt>();

function prepared(o: HipRegistrationInput): PreparedCt {
  const cached = preparedCts.get(o.labels);
  if (cached !== undefined && cached.ct === o.ct && cached.attenuationPerMm === o.attenuationPerMm) return cached;
  const { ct, labels } = o;
  const soft = o.attenuationPerMm(SOFT_TISSUE_HU);
  // The CT ends where the radiograph goes on: its values fade out over the first and last
  // TAPER_MM of slices, so the DRR has no edge where the volume is cut.
  const [nx, ny, nz] = ct.size;
  const taperSlices = TAPER_MM / ct.spacingMm[2];
  const boneValues = new Float32Array(ct.data.length);
  for (let k = 0; k < nz; k++) {
    const t = Math.min(1, Math.min(k + 0.5, nz - k - 0.5) / taperSlices);
    const fade = t * t * (3 - 2 * t);
    for (let p = k * nx * ny; p < (k + 1) * nx * ny; p++) {
      if (labels[p] === HIP_BONE_LABEL.otherBone) boneValues[p] = Math.max(0, o.attenuationPerMm(Number(ct.data[p])) - soft) * fade;
    }
  }
  const made: PreparedCt = {
    ct,
    attenuationPerMm: o.attenuationPerMm,
    coarseBone: downsampleVolume(ct, boneValues, [2, 2, 2]),
    femurs: new Map(),
  };
  preparedCts.set(o.labels, made);
  return made;
}

/** The same motion as `pose` about `from`, expressed about `to`: t' = t + R (to - from) - (to - from). */
export function recentre(pose: RigidPose, from: Point3, to: Point3): RigidPose {
  // Where the pose takes `to` about `from`, less `to`: the translation about `to`.
  const moved = movePoint(pose, from, to);
  return { rotationDeg: [...pose.rotationDeg], translationMm: [moved[0] - to[0], moved[1] - to[1], moved[2] - to[2]] };
}

function centreRow(g: DrrGeometry): number {
  return g.centrePx?.[0] ?? (g.rows - 1) / 2;
}

function centreColumn(g: DrrGeometry): number {
  return g.centrePx?.[1] ?? (g.columns - 1) / 2;
}

interface Window {
  row0: number;
  column0: number;
  rows: number;
  columns: number;
}

/** The detector window holding the femur's bounding box as the pose projects it, plus a margin. */
function femurWindow(g: DrrGeometry, cornersMm: Point3[], pose: RigidPose, centre: Point3): Window {
  const rays = raysSeeingPose(drrRays(g), pose, centre);
  const projected = cornersMm.map((p) => projectPoint(rays, p));
  const margin = FEMUR_WINDOW_MARGIN_MM / Math.min(g.pixelMm[0], g.pixelMm[1]);
  const clamp = (v: number, n: number): number => Math.min(n, Math.max(0, Math.round(v)));
  const row0 = clamp(Math.min(...projected.map((q) => q[0])) - margin, g.rows - 1);
  const row1 = clamp(Math.max(...projected.map((q) => q[0])) + margin, g.rows);
  const column0 = clamp(Math.min(...projected.map((q) => q[1])) - margin, g.columns - 1);
  const column1 = clamp(Math.max(...projected.map((q) => q[1])) + margin, g.columns);
  return { row0, column0, rows: Math.max(8, row1 - row0), columns: Math.max(8, column1 - column0) };
}

function cropImage(image: GreyImage, w: Window): GreyImage {
  const data = new Float32Array(w.rows * w.columns);
  for (let r = 0; r < w.rows; r++) {
    for (let c = 0; c < w.columns; c++) {
      const rr = Math.min(image.rows - 1, r + w.row0);
      const cc = Math.min(image.columns - 1, c + w.column0);
      data[r * w.columns + c] = image.data[rr * image.columns + cc]!;
    }
  }
  return { data, rows: w.rows, columns: w.columns };
}

/** The volume cropped to the labelled voxels' bounding box, values mapped from HU (0 outside the labels). */
function cropToLabels(
  ct: Volume3D,
  labels: Uint8Array,
  wanted: ReadonlySet<number>,
  value: (hu: number) => number,
): { volume: Volume3D; values: Float32Array; cornersMm: Point3[] } {
  const [nx, ny] = ct.size;
  const bounds = voxelBounds({ size: ct.size, spacingMm: ct.spacingMm }, (p) => wanted.has(labels[p]!));
  if (bounds === undefined) throw new OpenBmdError('INVALID_VALUE', 'the CT has no voxel of the target femur to register');
  const { lo, hi } = bounds;
  const size: [number, number, number] = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const values = new Float32Array(size[0] * size[1] * size[2]);
  let q = 0;
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++, q++) {
        const p = i + nx * (j + ny * k);
        if (wanted.has(labels[p]!)) values[q] = value(Number(ct.data[p]));
      }
  const volume = createVolume3D({
    data: values,
    size,
    spacingMm: ct.spacingMm,
    originMm: volumeIndexToPointMm(ct, lo[0], lo[1], lo[2]),
    direction: ct.direction,
    unit: ct.unit,
  });
  const cornersMm: Point3[] = [];
  for (const i of [lo[0], hi[0]]) for (const j of [lo[1], hi[1]]) for (const k of [lo[2], hi[2]]) cornersMm.push(volumeIndexToPointMm(ct, i, j, k));
  return { volume, values, cornersMm };
}

/**
 * The radiograph less its smooth background (a Gaussian of `sigmaPixels`): the body's thickness,
 * which otherwise takes most of the grey levels the equalisation hands out, so that on a thick or
 * abducted body the bone edges are left too few of them to decide the pelvis's pose.
 */
function highPassed(image: GreyImage, sigmaPixels: number): GreyImage {
  const data = Float32Array.from(image.data);
  gaussianBlur2D(data, image.columns, image.rows, sigmaPixels);
  for (let p = 0; p < data.length; p++) data[p] = image.data[p]! - data[p]!;
  return { data, rows: image.rows, columns: image.columns };
}

/**
 * The radiograph with its histogram equalised (each value its rank share): a detector's response
 * and the room's look-up table are monotonic but unknown (a square-root CR response flattens bone
 * inside a thick body, so the body's outline outweighs every bone edge); ranks undo any of them.
 */
function equalised(image: GreyImage): GreyImage {
  const data = Float32Array.from(image.data);
  equaliseHistogram(data, new Uint8Array(data.length).fill(1));
  return { data, rows: image.rows, columns: image.columns };
}
