import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CtPhysics } from '../physics/ct-acquisition.js';
import { OpenBmdError } from '../core/errors.js';
import { formatCohortSummary, summariseCohort } from './cohort-summary.js';
import { writeContactSheet } from './contact-sheet.js';
import type { SimulatedSite } from './population-model.js';
import { runSimulation } from './run-simulation.js';
import type { SimulateJob } from './simulate-job.js';
import { defaultDeviceIds } from './simulate-job.js';
import { parseProcessingFamilies } from './radiograph-room.js';
import { DEFAULT_CT_SPINE_OPTIONS } from './ct-spine/ct-spine-options.js';
import { DEFAULT_LUMBAR_OPTIONS } from './lumbar/lumbar-options.js';
import { DEFAULT_HIP_OPTIONS } from './hip/hip-options.js';
import type { HipPose } from './hip/hip-shape.js';
import { HIP_POSES } from './hip/hip-shape.js';
import type { LimbFamily } from './forearm/forearm-shape.js';
import { LIMB_FAMILIES } from './forearm/forearm-shape.js';

export interface SimulateCohortOptions {
  n: number;
  out: string;
  seed: number;
  workers?: number;
  vendors?: string;
  /** Radiograph sites: 'vendor' (default) or processing families, comma-separated. */
  processing?: string;
  /** Every image its own processing chain of those families (domain randomisation). */
  perImageProcessing?: boolean;
  /** forearm: limb cross-section families, comma-separated (default all). */
  limb?: string;
  pixelMm?: number;
  kvp?: number;
  dose?: number;
  jpegQuality?: number;
  wedgeSteps?: string;
  wedgeStepLengthMm?: number;
  wedgeWidthMm?: number;
  wedgeHa?: number;
  wedgeMaxRotationDeg?: number;
  mineralFactor?: number;
  ctMatrix?: number;
  ctSlices?: number;
  sliceMm?: number;
  rodShare?: number;
  rods?: string;
  rodMaterial?: string;
  rodDiameterMm?: number;
  fractureShare?: number;
  /** ct-spine and lumbar: share of cases whose spine carries pedicle screws. */
  pedicleScrewShare?: number;
  /** ct-spine: share of series with the hips in the field that hold a hip prosthesis (default: the prevalence by age). */
  hipProsthesisShare?: number;
  /** ct-spine: share of series with intravenous contrast (portal-venous phase). */
  contrastShare?: number;
  /** ct-spine: share of series with positive oral contrast. */
  oralContrastShare?: number;
  /** ct-spine: the cancellous mottle's sd as a share of the bodies' mineral (0: none). */
  trabecularTexture?: number;
  armsDownShare?: number;
  osteophyteShare?: number;
  /** lumbar: false draws the vertebral bodies without their trabecular pattern (commander's --no-trabecular-pattern). */
  trabecularPattern?: boolean;
  /** lumbar: transitional vertebrae at their published prevalence. */
  segmentationVariants?: boolean;
  /** lumbar: the AEC's detector air kerma in µGy, or 'nominal' for the vendor's nominal quanta (--aec-air-kerma). */
  aecAirKerma?: string;
  poses?: string;
  supersample?: number;
  ctPhysics?: string;
  summary?: boolean;
  contactSheet?: boolean;
  /** The command recorded as the cohort's generator. */
  command: string;
  /** Progress and where things were written (stderr in the CLI). */
  say: (line: string) => void;
  /** The cohort summary's text (stdout in the CLI). */
  printSummary?: (text: string) => void;
}

const SITES: readonly SimulatedSite[] = ['forearm', 'hip', 'lumbar', 'ct-spine'];

/** Writes a SIMULATED cohort of a site from the options of `openbmd simulate`; returns the cohort.csv path. */
export async function simulateCohort(site: string, o: SimulateCohortOptions): Promise<string> {
  if (!SITES.includes(site as SimulatedSite)) throw new OpenBmdError('BAD_ARGUMENT', `unknown site '${site}' (sites: ${SITES.join(', ')})`);
  const steps = (o.wedgeSteps ?? '2,4,6,8').split(',').map(Number);
  if (steps.length < 2 || !steps.every((t) => Number.isFinite(t) && t > 0))
    throw new OpenBmdError('BAD_ARGUMENT', `--wedge-steps wants positive thicknesses in mm, e.g. 2,4,6,8; got '${o.wedgeSteps}'`);
  const job: SimulateJob = {
    site: site as SimulatedSite,
    n: o.n,
    outDir: o.out,
    seed: o.seed,
    vendors: o.vendors === undefined ? defaultDeviceIds(site as SimulatedSite) : o.vendors.split(',').map((v) => v.trim()),
    processing: parseProcessingFamilies(o.processing),
    perImageProcessing: o.perImageProcessing === true,
    forearm: {
      pixelSpacingMm: o.pixelMm ?? 0.24,
      fieldWidthMm: 200,
      fieldHeightMm: 280,
      sourceToDetectorMm: 1000,
      wedge: { stepThicknessesMm: steps, stepLengthMm: o.wedgeStepLengthMm ?? 10, widthMm: o.wedgeWidthMm ?? 15, haMgPerCm3: o.wedgeHa ?? 600 },
      maxWedgeRotationDeg: o.wedgeMaxRotationDeg ?? 10,
      doseFactor: o.dose ?? 1,
      ...(o.kvp === undefined ? {} : { kVp: o.kvp }),
      ...(o.jpegQuality === undefined ? {} : { jpegQuality: o.jpegQuality }),
      ...(o.mineralFactor === undefined ? {} : { mineralFactor: o.mineralFactor }),
      ...(o.limb === undefined ? {} : { limbFamilies: parseLimbFamilies(o.limb) }),
    },
    ctSpine: site === 'ct-spine' ? ctSpineOptions(o) : DEFAULT_CT_SPINE_OPTIONS,
    hip: site === 'hip' ? hipOptions(o) : DEFAULT_HIP_OPTIONS,
    lumbar: {
      ...DEFAULT_LUMBAR_OPTIONS,
      ...(site === 'lumbar' && o.pixelMm !== undefined ? { pixelSpacingMm: o.pixelMm } : {}),
      doseFactor: o.dose ?? 1,
      fractureShare: o.fractureShare ?? DEFAULT_LUMBAR_OPTIONS.fractureShare,
      ...(o.osteophyteShare === undefined ? {} : { osteophyteShare: o.osteophyteShare }),
      ...(o.pedicleScrewShare === undefined ? {} : { pedicleScrewShare: o.pedicleScrewShare }),
      ...(o.trabecularPattern === undefined ? {} : { trabecularPattern: o.trabecularPattern }),
      ...(o.segmentationVariants === undefined ? {} : { segmentationVariants: o.segmentationVariants }),
      ...(o.aecAirKerma === undefined ? {} : { aecAirKermaMicroGy: parseAecAirKerma(o.aecAirKerma) }),
      ...(o.mineralFactor === undefined ? {} : { mineralFactor: o.mineralFactor }),
      ...(o.kvp === undefined ? {} : { kVp: o.kvp }),
      ...(o.jpegQuality === undefined ? {} : { jpegQuality: o.jpegQuality }),
    },
  };
  const result = await runSimulation(job, o.workers ?? 2, o.command, o.say);
  o.say(`wrote ${result.cases.length} SIMULATED ${site} cases and ${result.cohortCsv} in ${result.seconds.toFixed(1)} s`);
  if (o.contactSheet === true) {
    const sheet = join(o.out, 'contact-sheet.png');
    // The first six images, lateral views and other poses included; a CT series shows as two tiles.
    const images = result.cases
      .flatMap((c) => [c.row, ...(c.extraRows ?? [])])
      .flatMap((row) => [row['image'], row['image_lat']].filter((p): p is string => p !== undefined && p !== ''))
      .slice(0, 6);
    await writeContactSheet(o.out, images, sheet);
    o.say(`contact sheet of the first ${images.length} images: ${sheet}`);
  }
  if (o.summary === true) {
    const summary = summariseCohort(site as SimulatedSite, result.cases);
    await writeFile(join(o.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    o.printSummary?.(formatCohortSummary(summary));
  }
  return result.cohortCsv;
}

function ctSpineOptions(o: SimulateCohortOptions): SimulateJob['ctSpine'] {
  const d = DEFAULT_CT_SPINE_OPTIONS;
  const rods = o.rods === undefined ? d.rods.rodsMgPerCm3 : o.rods.split(',').map(Number);
  if (rods.length < 2 || !rods.every((v) => Number.isFinite(v) && v >= 0 && v < 1500))
    throw new OpenBmdError('BAD_ARGUMENT', `--rods wants two or more concentrations in mg/cm3 (0-1500), e.g. 0,50,100,200; got '${o.rods}'`);
  const material = o.rodMaterial ?? d.rods.material;
  if (material !== 'HA' && material !== 'K2HPO4') throw new OpenBmdError('BAD_ARGUMENT', `--rod-material is HA or K2HPO4, got '${material}'`);
  const pixel = o.pixelMm;
  if (pixel !== undefined && (pixel < 0.2 || pixel > 5)) throw new OpenBmdError('BAD_ARGUMENT', `--pixel-mm for CT must be 0.2-5 mm, got ${pixel}`);
  return {
    matrix: o.ctMatrix ?? d.matrix,
    ...(pixel === undefined ? {} : { pixelSpacingMm: pixel }),
    sliceThicknessMm: o.sliceMm ?? d.sliceThicknessMm,
    slices: o.ctSlices ?? d.slices,
    rodShare: o.rodShare ?? d.rodShare,
    rods: { material, rodsMgPerCm3: rods, rodDiameterMm: o.rodDiameterMm ?? d.rods.rodDiameterMm },
    doseFactor: o.dose ?? d.doseFactor,
    fractureShare: o.fractureShare ?? d.fractureShare,
    pedicleScrewShare: o.pedicleScrewShare ?? d.pedicleScrewShare,
    contrastShare: o.contrastShare ?? d.contrastShare,
    oralContrastShare: o.oralContrastShare ?? d.oralContrastShare,
    trabecularTextureShare: o.trabecularTexture ?? d.trabecularTextureShare,
    armsDownShare: o.armsDownShare ?? d.armsDownShare,
    supersample: o.supersample ?? d.supersample,
    physics: ctPhysics(o.ctPhysics ?? d.physics),
    ...(o.hipProsthesisShare === undefined ? {} : { hipProsthesisShare: o.hipProsthesisShare }),
    ...(o.kvp === undefined ? {} : { kVp: ctKvp(o.kvp) }),
  };
}

/** CT tube voltages run 70-150 kV. */
function ctKvp(kVp: number): number {
  if (!(kVp >= 70 && kVp <= 150)) throw new OpenBmdError('BAD_ARGUMENT', `--kvp for CT must be 70-150 kV, got ${kVp}`);
  return kVp;
}

function ctPhysics(value: string): CtPhysics {
  if (value !== 'effective-energy' && value !== 'projection')
    throw new OpenBmdError('BAD_ARGUMENT', `--ct-physics is effective-energy or projection, got '${value}'`);
  return value;
}

function hipOptions(o: SimulateCohortOptions): SimulateJob['hip'] {
  const d = DEFAULT_HIP_OPTIONS;
  const poses = o.poses === undefined ? d.poses : o.poses.split(',').map((p) => p.trim());
  const unknown = poses.filter((p) => !HIP_POSES.includes(p as HipPose));
  if (poses.length === 0 || unknown.length > 0) throw new OpenBmdError('BAD_ARGUMENT', `--poses takes ${HIP_POSES.join(', ')}; got '${o.poses}'`);
  const ct = ctSpineOptions({ ...o, pixelMm: undefined, kvp: undefined });
  return {
    ...d,
    ...(o.pixelMm === undefined ? {} : { pixelSpacingMm: o.pixelMm }),
    poses: poses as HipPose[],
    doseFactor: o.dose ?? 1,
    ...(o.kvp === undefined ? {} : { kVp: o.kvp }),
    ...(o.jpegQuality === undefined ? {} : { jpegQuality: o.jpegQuality }),
    ct: {
      matrix: o.ctMatrix ?? d.ct.matrix,
      pixelSpacingMm: d.ct.pixelSpacingMm * (d.ct.matrix / (o.ctMatrix ?? d.ct.matrix)),
      sliceThicknessMm: o.sliceMm ?? d.ct.sliceThicknessMm,
      slices: o.ctSlices ?? d.ct.slices,
      rodShare: o.rodShare ?? d.ct.rodShare,
      rods: o.rods === undefined && o.rodMaterial === undefined && o.rodDiameterMm === undefined ? d.ct.rods : ct.rods,
      supersample: o.supersample ?? d.ct.supersample,
    },
  };
}

function parseLimbFamilies(value: string): LimbFamily[] {
  const families = value.split(',').map((f) => f.trim());
  if (families.length === 0 || families.some((f) => !LIMB_FAMILIES.includes(f as LimbFamily)))
    throw new OpenBmdError('BAD_ARGUMENT', `--limb takes any of ${LIMB_FAMILIES.join(', ')}; got '${value}'`);
  return families as LimbFamily[];
}

function parseAecAirKerma(text: string): number | null {
  if (text === 'nominal') return null;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new OpenBmdError('BAD_ARGUMENT', `--aec-air-kerma wants a positive air kerma in µGy or 'nominal', got '${text}'`);
  }
  return value;
}
