import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { CtRodPhantom } from '../../calibration/ct-rods/ct-rod-phantom.js';
import type { RodCalibration } from '../../calibration/ct-rods/find-ct-rods.js';
import { findCtRods } from '../../calibration/ct-rods/find-ct-rods.js';
import type { InternalCalibration } from '../../calibration/phantomless/internal-calibration.js';
import { internalCalibration, internalCalibrationMgPerCm3 } from '../../calibration/phantomless/internal-calibration.js';
import type { Volume3D } from '../../core/volume3d.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import type { TargetLevel } from './ct-spine-networks.js';
import { TARGET_LEVELS } from './ct-spine-networks.js';
import type { EllipticalRoi } from './elliptical-roi.js';
import { ellipticalRoi } from './elliptical-roi.js';
import type { LocatedLevel, VertebraLocalisation } from './locate-vertebrae.js';
import { locateVertebrae } from './locate-vertebrae.js';
import type { AnatomicalCrossCheck } from './anatomical-cross-check.js';
import { crossCheckLevels } from './anatomical-cross-check.js';
import { countVertebrae } from './count-vertebrae.js';
import type { EdgeBlur } from './edge-blur.js';
import { estimateEdgeBlur } from './edge-blur.js';
import type { CancellousSegmentation, VoxelRegion } from './segment-cancellous.js';
import { regionMean, segmentCancellous } from './segment-cancellous.js';
import { DENSE_IMPLANT_HU, MIN_DENSE_IMPLANT_MM3, denseImplantNear } from './dense-implant.js';
import { fractureLikeHeightLoss } from './height-loss.js';
import { denserThanNeighbours } from './density-outlier.js';
import { applyVbmdRegression } from './vbmd-regression.js';
import { vbmdRegressionInput } from './vbmd-regression-input.js';

/** A segmented level smaller than this holds too little cancellous bone to measure (mm3; an adult L1's is 15-30 cm3). */
export const MIN_CANCELLOUS_MM3 = 4000;

/** How a level much denser than the two others is reported (the start of its notMeasurable; density-outlier.ts). */
export const DENSER_REASON = 'much denser than the other levels (a compacted fracture or sclerosis)';

/** How a level with metal or cement in its body is reported (the start of its notMeasurable). */
export const IMPLANT_REASON = 'metal or cement in the body';

export type VbmdMethod = 'rods' | 'phantomless' | 'densenet';
/** The three vBMD methods of seed 002, in the order reports list them. */
export const VBMD_METHODS: readonly VbmdMethod[] = ['rods', 'phantomless', 'densenet'];

export interface LevelMeasurement {
  level: TargetLevel;
  located: LocatedLevel;
  segmentation: CancellousSegmentation | null;
  roi: EllipticalRoi | null;
  /** Mean HU over the eroded segmentation (one voxel in from its surface, away from the cortex's blur) and over the elliptical ROI. */
  segmentedMeanHu: number | null;
  roiMeanHu: number | null;
  cancellousMm3: number;
  /** Segmented height along z, mm. */
  heightMm: number;
  /** Why the level cannot be measured (null when it can). */
  notMeasurable: string | null;
  /** The DenseNet's input for this level (needs the phantomless calibration), and its vBMD before recalibration (needs the network too). */
  regressionInput: Float32Array | null;
  densenetMgPerCm3: number | null;
}

export interface CtSpineMeasurement {
  localisation: VertebraLocalisation;
  /** The model-free count of the vertebrae beside the network: agreement, or the fallback. */
  anatomy: Omit<AnatomicalCrossCheck, 'localisation'>;
  levels: LevelMeasurement[];
  rods: { ok: true; calibration: RodCalibration } | { ok: false; problem: string } | null;
  phantomless: { ok: true; calibration: InternalCalibration } | { ok: false; problem: string };
  /** The series' edge blur (null where the anterior skin was not clean to read), and the in-plane erosion it set for the cancellous mean. */
  edgeBlur: EdgeBlur | null;
  erosionSteps: number;
}

/**
 * The region less its surface: one voxel in every direction, then `inPlaneSteps - 1` more voxels
 * in-plane (the cortex's blur reaches further across a soft or coarse series than along z).
 */
export function erodeRegion(volume: Pick<Volume3D, 'size'>, region: VoxelRegion, inPlaneSteps = 1): VoxelRegion {
  const [nx, ny] = volume.size;
  const erodeBy = (offsets: Int32Array, steps: readonly number[]): Int32Array => {
    const inside = new Set<number>(offsets);
    return offsets.filter((o) => steps.every((s) => inside.has(o + s)));
  };
  let offsets = erodeBy(region.offsets, [1, -1, nx, -nx, nx * ny, -nx * ny]);
  for (let step = 1; step < inPlaneSteps; step++) offsets = erodeBy(offsets, [1, -1, nx, -nx]);
  return { offsets };
}

/**
 * The cancellous mean leaves out the voxels within this many sigmas of the series' edge blur of the
 * segmentation's surface (where the blurred cortex reaches; at 2 sigma a thin shell's blur is down
 * to 13 % of its peak). Chosen on development cohorts (SIMULATED seed 512, 8 projection-CT series
 * with a soft kernel, against seed 77, 16 sharp ones): the phantomless vBMD before recalibration
 * then reads the soft series as the sharp ones (-21.4 against -20.3 mg/cm3; +7.6 with one voxel).
 */
export const CORTEX_BLUR_EROSION_SIGMAS = 2;

/** In-plane erosion steps for a series: CORTEX_BLUR_EROSION_SIGMAS of its edge blur in pixels, at least one. */
export function cortexErosionSteps(blur: EdgeBlur | null, pixelMm: number): number {
  if (blur === null) return 1;
  return Math.max(1, Math.floor((CORTEX_BLUR_EROSION_SIGMAS * blur.sigmaMm) / pixelMm));
}

function regionHeightMm(volume: Volume3D, region: VoxelRegion): number {
  if (region.offsets.length === 0) return 0;
  const plane = volume.size[0] * volume.size[1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const o of region.offsets) {
    const k = Math.floor(o / plane);
    lo = Math.min(lo, k);
    hi = Math.max(hi, k);
  }
  return (hi - lo + 1) * volume.spacingMm[2];
}

/**
 * Locates T12-L2 (the network, cross-checked by the anatomical count, which stands in when the
 * network finds fewer than two levels), segments each level's cancellous bone (network) and places the elliptical ROI
 * (model-free), measures mean HU, and calibrates: rods when a phantom is described, and the
 * phantomless air/fat/muscle calibration always (it is the fallback, and a check on the rods); with the
 * regression network, the DenseNet's vBMD of each level on the phantomless-calibrated crop.
 */
export function measureCtSpine(
  tf: TensorFlow,
  networks: { coronal: tfTypes.LayersModel; sagittal: tfTypes.LayersModel; segmentation: tfTypes.LayersModel; regression?: tfTypes.LayersModel },
  catalog: MaterialCatalog,
  volume: Volume3D,
  o: { kVp: number | undefined; phantom: CtRodPhantom | undefined },
): CtSpineMeasurement {
  const { localisation, ...anatomy } = crossCheckLevels(locateVertebrae(tf, networks, volume), countVertebrae(volume));
  const found = localisation.levels.filter((l) => l.centreMm !== null);
  const segmentations = segmentCancellous(
    tf,
    networks.segmentation,
    volume,
    found.map((l) => l.centreMm!),
  );
  const voxelMm3 = volume.spacingMm[0] * volume.spacingMm[1] * volume.spacingMm[2];
  const edgeBlur = estimateEdgeBlur(volume);
  const erosionSteps = cortexErosionSteps(edgeBlur, Math.min(volume.spacingMm[0], volume.spacingMm[1]));
  const levels: LevelMeasurement[] = localisation.levels.map((located) => {
    const index = found.indexOf(located);
    if (index < 0)
      return {
        level: located.level,
        located,
        segmentation: null,
        roi: null,
        segmentedMeanHu: null,
        roiMeanHu: null,
        cancellousMm3: 0,
        heightMm: 0,
        notMeasurable: 'not found in the series',
        regressionInput: null,
        densenetMgPerCm3: null,
      };
    const segmentation = segmentations[index]!;
    const roi = ellipticalRoi(volume, located.centreMm!);
    const cancellousMm3 = segmentation.region.offsets.length * voxelMm3;
    const eroded = erodeRegion(volume, segmentation.region, erosionSteps);
    const segmentedMeanHu = eroded.offsets.length > 0 ? regionMean(volume, eroded).mean : null;
    const roiMeanHu = roi === null ? null : regionMean(volume, roi.region).mean;
    const notMeasurable = cancellousMm3 < MIN_CANCELLOUS_MM3 ? `not segmentable (${(cancellousMm3 / 1000).toFixed(1)} cm3 of cancellous bone)` : null;
    return {
      level: located.level,
      located,
      segmentation,
      roi,
      segmentedMeanHu,
      roiMeanHu,
      cancellousMm3,
      heightMm: regionHeightMm(volume, segmentation.region),
      notMeasurable,
      regressionInput: null,
      densenetMgPerCm3: null,
    };
  });
  // Metal or cement in the body: its HU are the implant's (QCT does not measure an instrumented vertebra).
  for (const l of levels) {
    if (l.notMeasurable !== null || l.segmentation === null) continue;
    const implant = denseImplantNear(volume, l.segmentation.region);
    if (implant.denseMm3 >= MIN_DENSE_IMPLANT_MM3)
      l.notMeasurable = `${IMPLANT_REASON} (${implant.denseMm3.toFixed(0)} mm3 above ${DENSE_IMPLANT_HU} HU, up to ${implant.maxHu.toFixed(0)} HU)`;
  }
  // Fracture-like height loss: a level much lower than the others (QCT excludes fractured vertebrae).
  const intact = levels.filter((l) => l.notMeasurable === null);
  for (const finding of fractureLikeHeightLoss(intact)) {
    const l = intact.find((m) => m.level === finding.level)!;
    l.notMeasurable = `fracture-like height loss (${finding.heightMm.toFixed(0)} mm against ${finding.referenceMm.toFixed(0)} mm expected from the other levels)`;
  }
  const measured = found.map((l) => l.centreMm![2] / volume.spacingMm[2]);
  const sliceRange: [number, number] =
    measured.length > 0
      ? [
          Math.max(0, Math.floor(Math.min(...measured) - 25 / volume.spacingMm[2])),
          Math.min(volume.size[2] - 1, Math.ceil(Math.max(...measured) + 25 / volume.spacingMm[2])),
        ]
      : [0, volume.size[2] - 1];
  const rods = o.phantom === undefined ? null : findCtRods(volume, o.phantom, sliceRange);
  const phantomless = internalCalibration({ catalog, volume, sliceRange, kVp: o.kVp });
  if (phantomless.ok) {
    const calibration = phantomless.calibration;
    for (const l of levels)
      if (l.segmentation !== null)
        l.regressionInput = vbmdRegressionInput(l.segmentation.hu, l.segmentation.probability, (hu) => internalCalibrationMgPerCm3(calibration, hu));
    if (networks.regression !== undefined) applyVbmdRegression(tf, networks.regression, levels);
  }
  const measurement: CtSpineMeasurement = { localisation, anatomy, levels, rods, phantomless, edgeBlur, erosionSteps };
  // A level much denser than the two others (a compacted fracture the height rule passed, sclerosis) is left out.
  const densities = levels.flatMap((l) => {
    const mg = l.notMeasurable === null ? (calibratedLevelVbmd(measurement, l, 'rods') ?? calibratedLevelVbmd(measurement, l, 'phantomless')) : null;
    return mg === null ? [] : [{ level: l.level, mgPerCm3: mg }];
  });
  for (const outlier of denserThanNeighbours(densities)) {
    const l = levels.find((m) => m.level === outlier.level)!;
    l.notMeasurable = `${DENSER_REASON} (${outlier.mgPerCm3.toFixed(0)} mg/cm3 against ${outlier.neighboursMgPerCm3.toFixed(0)} in the other two levels)`;
  }
  return measurement;
}

/** Per-level vBMD by a calibration method, before the model's recalibration to the reference QCT (mg/cm3). */
export function calibratedLevelVbmd(m: CtSpineMeasurement, level: LevelMeasurement, method: VbmdMethod): number | null {
  if (method === 'densenet') return level.densenetMgPerCm3;
  if (level.segmentedMeanHu === null) return null;
  if (method === 'rods') {
    if (m.rods === null || !m.rods.ok) return null;
    return (level.segmentedMeanHu - m.rods.calibration.interceptHu) / m.rods.calibration.slopeHuPerMg;
  }
  if (!m.phantomless.ok) return null;
  return internalCalibrationMgPerCm3(m.phantomless.calibration, level.segmentedMeanHu);
}

/** The reported levels: L1 and L2, a non-measurable one replaced by T12 (ISCD/ACR, seed 002); null when fewer than two remain. */
export function reportedLevels(levels: readonly LevelMeasurement[]): { levels: TargetLevel[]; substituted: TargetLevel | null } | null {
  const ok = (level: TargetLevel): boolean => levels.find((l) => l.level === level)?.notMeasurable === null;
  const chosen = (['L1', 'L2'] as const).filter(ok) as TargetLevel[];
  let substituted: TargetLevel | null = null;
  if (chosen.length < 2 && ok('T12')) {
    chosen.unshift('T12');
    substituted = 'T12';
  }
  if (chosen.length < 2) return null;
  return { levels: TARGET_LEVELS.filter((l) => chosen.includes(l)), substituted };
}
