import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Point3 } from '../../../core/geometry.js';
import { OpenBmdError } from '../../../core/errors.js';
import type { Volume3D } from '../../../core/volume3d.js';
import { readCtNiftiVolume, readCtSeriesFolder } from '../../../io/ct-volume/read-ct-volume.js';
import { dicomFrameToImage2D } from '../../../io/dicom/dicom-to-image2d.js';
import { readDicomFile } from '../../../io/dicom/read-dicom.js';
import { isNiftiPath } from '../../../io/nifti.js';
import { ctAttenuationPerMm, DEFAULT_CT_EFFECTIVE_KEV, hydroxyapatiteGPerCm3PerHu } from '../../../physics/drr/ct-attenuation.js';
import type { DrrGeometry } from '../../../physics/drr/drr-geometry.js';
import { drrRays } from '../../../physics/drr/drr-geometry.js';
import { drrVolume } from '../../../physics/drr/drr-volume.js';
import { renderDrr } from '../../../physics/drr/render-drr.js';
import { loadMaterialCatalog } from '../../../physics/material-catalog.js';
import type { RigidPose } from '../../../registration/rigid-pose.js';
import { raysSeeingPose } from '../../../registration/rigid-pose.js';
import type { HipSide } from '../ct/segment-femur.js';
import { HIP_BONE_LABEL } from '../ct/segment-hip-bones.js';
import { segmentHipCt } from '../ct/segment-hip-ct.js';
import type { HipCase } from '../hip-cohort.js';
import { runTasksInWorkers } from '../../../nn/parallel/parallel-tasks.js';
import type { HipFieldPlacement } from '../radiograph/hip-field.js';
import { HIP_FIELD, hipFieldPlacement, mirrorFieldColumns, normaliseHipField, sampleHipField } from '../radiograph/hip-field.js';
import { hipRadiographGeometry } from '../register/hip-radiograph-geometry.js';
import { registerHipRadiograph } from '../register/register-hip-radiograph.js';

/**
 * The effective energy of a hip radiograph's beam for the registration's DRRs: about 50 keV for the
 * 70-80 kVp of an AP pelvis behind the patient's filtration (the same default as `openbmd drr`).
 */
const RADIOGRAPH_BEAM_KEV = 50;

/** One radiograph's training sample on the hip field: the X-ray, and the two DRRs seed 001 learns (g/cm2 of hydroxyapatite). */
export interface HipTrainingTarget {
  caseId: string;
  side: HipSide;
  /** The radiograph's field, normalised (`normaliseHipField`; the cache keeps it as sampled). */
  xray: Float32Array;
  /** The proximal femur's DRR: its hydroxyapatite integrated along each ray, g/cm2. */
  pfDrr: Float32Array;
  /** Every bone's DRR (pelvis and both femora), g/cm2: seed 001's first stage. */
  boneDrr: Float32Array;
  /** How well the registration matched (gradient correlation of the pelvis and the femur stages). */
  gradientCorrelation: { pelvis: number; femur: number };
}

/** What was made for one person's CT and is shared by their radiographs. */
interface PreparedPerson {
  ct: Volume3D;
  labels: Uint8Array;
  heads: Record<HipSide, Point3>;
  mineralGPerCm3: Float32Array;
}

// 3: the pelvis registered by its bone alone, the radiograph equalised.
const FILE_VERSION = 3;

/** One person's radiographs, made into targets in a worker process (task of `hipTrainingTargets`). */
export interface PersonTargetsArgs {
  ctPath: string;
  cases: HipCase[];
  cacheDir: string;
  seed: number;
}

/**
 * Task function (runs in a worker process): the targets of one person's radiographs not yet in
 * the cache, each written there as it is made; returns the bad-input failures by case.
 */
export async function makePersonTargets(args: PersonTargetsArgs): Promise<{ caseId: string; error: string | undefined }[]> {
  const catalog = loadMaterialCatalog();
  const attenuationPerMm = ctAttenuationPerMm({ catalog, beamKeV: RADIOGRAPH_BEAM_KEV, ctKeV: DEFAULT_CT_EFFECTIVE_KEV });
  const mineralPerHu = hydroxyapatiteGPerCm3PerHu({ catalog, ctKeV: DEFAULT_CT_EFFECTIVE_KEV });
  const outcomes: { caseId: string; error: string | undefined }[] = [];
  let person: PreparedPerson | undefined;
  for (const c of args.cases) {
    const source = targetSource(c, args.ctPath, args.seed);
    if (readCachedTarget(args.cacheDir, c.caseId, source) !== undefined) {
      outcomes.push({ caseId: c.caseId, error: undefined });
      continue;
    }
    try {
      person ??= await preparePerson(args.ctPath, args.cases[0]!.caseId, mineralPerHu);
      writeCachedTarget(args.cacheDir, await registeredTarget({ c, person, attenuationPerMm, seed: args.seed }), source);
      outcomes.push({ caseId: c.caseId, error: undefined });
    } catch (thrown) {
      if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
      outcomes.push({ caseId: c.caseId, error: thrown.message });
    }
  }
  return outcomes;
}

function targetSource(c: HipCase, ctPath: string, seed: number): TargetSource {
  return { image: c.image, ct: ctPath, side: c.side ?? 'left', seed };
}

/**
 * Seed 001's training targets, made from each person's CT and radiographs: the CT segmented
 * (`segmentHipCt`), registered to each radiograph (pelvis, then the measured femur), and projected on
 * the radiograph's geometry through the measured hip's field, as hydroxyapatite line integrals
 * (HU read as water plus mineral at the CT's effective energy: `hydroxyapatiteGPerCm3PerHu`). The
 * measured femur is drawn in its registered pose, the pelvis and the other femur in the pelvis's.
 * Persons are shared out over worker processes; each sample is kept in `cacheDir` as it is made, so
 * a run interrupted, or run again with other network settings, registers nothing twice.
 */
export async function hipTrainingTargets(o: {
  cases: readonly HipCase[];
  cacheDir: string;
  seed: number;
  processes: number;
  write: (line: string) => void;
}): Promise<{ targets: HipTrainingTarget[]; failed: Map<string, string> }> {
  mkdirSync(o.cacheDir, { recursive: true });
  const failed = new Map<string, string>();
  const byCt = new Map<string, HipCase[]>();
  for (const c of o.cases) {
    if (c.ct === undefined) {
      failed.set(c.caseId, "no ct: train hip learns from each radiograph with the same person's CT");
      continue;
    }
    byCt.set(c.ct, [...(byCt.get(c.ct) ?? []), c]);
  }
  const pending = [...byCt].filter(([ctPath, cases]) =>
    cases.some((c) => readCachedTarget(o.cacheDir, c.caseId, targetSource(c, ctPath, o.seed)) === undefined),
  );
  const total = pending.reduce((n, [, cases]) => n + cases.length, 0);
  if (pending.length > 0) {
    o.write(
      `[hip targets] registering each CT to ${total} radiographs of ${pending.length} persons on ${o.processes} processes (${o.cases.length - total - failed.size} cached)`,
    );
    const started = Date.now();
    let done = 0;
    await runTasksInWorkers<PersonTargetsArgs, { caseId: string; error: string | undefined }[]>(
      pending.map(([ctPath, cases]) => ({
        moduleUrl: import.meta.url,
        exportName: 'makePersonTargets',
        args: { ctPath, cases, cacheDir: o.cacheDir, seed: o.seed },
      })),
      o.processes,
      (_, outcomes) => {
        done += outcomes.length;
        for (const outcome of outcomes) if (outcome.error !== undefined) failed.set(outcome.caseId, outcome.error);
        const seconds = (Date.now() - started) / 1000;
        o.write(`[hip targets] ${done}/${total} radiographs, ${seconds.toFixed(0)} s, ETA ${((seconds / done) * (total - done)).toFixed(0)} s`);
      },
    );
  }
  const targets: HipTrainingTarget[] = [];
  for (const [ctPath, cases] of byCt) {
    for (const c of cases) {
      const target = readCachedTarget(o.cacheDir, c.caseId, targetSource(c, ctPath, o.seed));
      // The X-ray's field is read again from the image (cheap), so the network's input scale can change without registering again.
      if (target !== undefined) {
        const image = dicomFrameToImage2D(await readDicomFile(c.image));
        targets.push({ ...target, xray: normaliseHipField(sampleHipField(image, hipFieldPlacement({ image, side: target.side }))) });
      } else if (!failed.has(c.caseId)) failed.set(c.caseId, 'no training target was made');
    }
  }
  return { targets, failed };
}

async function preparePerson(ctPath: string, label: string, mineralPerHu: number): Promise<PreparedPerson> {
  const need = { minCoverageMm: 60, minSlices: 12, reason: 'to hold the hips' };
  const ct = isNiftiPath(ctPath) ? (await readCtNiftiVolume(ctPath, need)).volume : (await readCtSeriesFolder(ctPath, need)).volume;
  const seg = segmentHipCt(ct, label);
  const left = seg.sides.left.finding.headCentreMm;
  const right = seg.sides.right.finding.headCentreMm;
  if (left === undefined || right === undefined)
    throw new OpenBmdError(
      'INVALID_VALUE',
      `both femoral heads are needed to register the CT to the radiograph; the CT segmentation found ${left === undefined && right === undefined ? 'neither' : 'one'}`,
      { file: ctPath },
    );
  const mineralGPerCm3 = new Float32Array(ct.data.length);
  for (let p = 0; p < mineralGPerCm3.length; p++) mineralGPerCm3[p] = Math.max(0, Number(ct.data[p])) * mineralPerHu;
  return { ct, labels: seg.labels, heads: { left, right }, mineralGPerCm3 };
}

async function registeredTarget(o: { c: HipCase; person: PreparedPerson; attenuationPerMm: (hu: number) => number; seed: number }): Promise<HipTrainingTarget> {
  const { c, person } = o;
  const side: HipSide = c.side ?? 'left';
  const dicom = await readDicomFile(c.image);
  const image = dicomFrameToImage2D(dicom);
  const [columns, rows] = image.size;
  const { left, right } = person.heads;
  const midpoint: Point3 = [(left[0] + right[0]) / 2, (left[1] + right[1]) / 2, (left[2] + right[2]) / 2];
  const geometry = hipRadiographGeometry({ image: dicom, isocenterMm: midpoint });
  const registration = registerHipRadiograph({
    ct: person.ct,
    labels: person.labels,
    headCentresMm: person.heads,
    targetSide: side,
    attenuationPerMm: o.attenuationPerMm,
    radiograph: { data: Float32Array.from(image.data, Number), rows, columns },
    geometry,
    seed: o.seed,
  });
  const placement = hipFieldPlacement({ image, side });
  const fieldGeometry = fieldDrrGeometry(geometry, placement);
  const femurLabels: number[] =
    side === 'left' ? [HIP_BONE_LABEL.leftFemur, HIP_BONE_LABEL.leftProximalFemur] : [HIP_BONE_LABEL.rightFemur, HIP_BONE_LABEL.rightProximalFemur];
  const pfLabel = side === 'left' ? HIP_BONE_LABEL.leftProximalFemur : HIP_BONE_LABEL.rightProximalFemur;
  const project = (keep: (label: number) => boolean, pose: RigidPose, centre: Point3): Float32Array => {
    const values = new Float32Array(person.mineralGPerCm3.length);
    for (let p = 0; p < values.length; p++) if (keep(person.labels[p]!)) values[p] = person.mineralGPerCm3[p]!;
    // g/cm3 x mm -> g/cm2.
    return renderDrr({ volume: drrVolume({ volume: person.ct, values }), rays: raysSeeingPose(drrRays(fieldGeometry), pose, centre) }).map((v) => v / 10);
  };
  const pf = project((l) => l === pfLabel, registration.femurPose, registration.femurCentreMm);
  const femur = project((l) => femurLabels.includes(l), registration.femurPose, registration.femurCentreMm);
  const rest = project((l) => l !== 0 && !femurLabels.includes(l), registration.pelvisPose, registration.pelvisCentreMm);
  const bone = femur.map((v, p) => v + rest[p]!);
  const inFieldFrame = (values: Float32Array): Float32Array => (placement.mirrored ? mirrorFieldColumns(values) : values);
  return {
    caseId: c.caseId,
    side,
    xray: sampleHipField(image, placement),
    pfDrr: inFieldFrame(pf),
    boneDrr: inFieldFrame(bone),
    gradientCorrelation: registration.gradientCorrelation,
  };
}

/**
 * The radiograph's geometry restricted to a hip's field: the same source and detector plane, the
 * field's pixels (its step in detector pixels times the pitch), the central ray where it falls in
 * the field. Rendered unmirrored; the caller mirrors a right hip's.
 */
function fieldDrrGeometry(g: DrrGeometry, p: HipFieldPlacement): DrrGeometry {
  const centreRow = g.centrePx?.[0] ?? (g.rows - 1) / 2;
  const centreColumn = g.centrePx?.[1] ?? (g.columns - 1) / 2;
  const firstColumnPx = p.centreColumnPx - ((HIP_FIELD.columns - 1) / 2) * p.stepPx[1];
  const firstRowPx = p.centreRowPx - ((HIP_FIELD.rows - 1) / 2) * p.stepPx[0];
  return {
    ...g,
    rows: HIP_FIELD.rows,
    columns: HIP_FIELD.columns,
    pixelMm: [g.pixelMm[0] * p.stepPx[0], g.pixelMm[1] * p.stepPx[1]],
    centrePx: [(centreRow - firstRowPx) / p.stepPx[0], (centreColumn - firstColumnPx) / p.stepPx[1]],
  };
}

function cachePaths(dir: string, caseId: string): { json: string; bin: string } {
  return { json: join(dir, `${caseId}.json`), bin: join(dir, `${caseId}.f32`) };
}

/** What a cached sample was made from: a cache entry made from anything else is made again. */
interface TargetSource {
  image: string;
  ct: string;
  side: HipSide;
  seed: number;
}

/**
 * Whether a cached sample was made from these files: the same files by their real paths (a checkout
 * reached through a link, or moved, names them differently), the same side and seed.
 */
function sameSource(cached: TargetSource, now: TargetSource): boolean {
  return cached.side === now.side && cached.seed === now.seed && sameFile(cached.image, now.image) && sameFile(cached.ct, now.ct);
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function writeCachedTarget(dir: string, t: HipTrainingTarget, source: TargetSource): void {
  const { json, bin } = cachePaths(dir, t.caseId);
  const bytes = new Float32Array(3 * t.xray.length);
  bytes.set(t.xray, 0);
  bytes.set(t.pfDrr, t.xray.length);
  bytes.set(t.boneDrr, 2 * t.xray.length);
  writeFileSync(`${bin}.tmp`, new Uint8Array(bytes.buffer));
  renameSync(`${bin}.tmp`, bin);
  // The description last: a sample is cached only once both files are whole.
  writeFileSync(
    `${json}.tmp`,
    JSON.stringify({ version: FILE_VERSION, caseId: t.caseId, source, field: HIP_FIELD, gradientCorrelation: t.gradientCorrelation }),
  );
  renameSync(`${json}.tmp`, json);
}

function readCachedTarget(dir: string, caseId: string, source: TargetSource): HipTrainingTarget | undefined {
  const { json, bin } = cachePaths(dir, caseId);
  if (!existsSync(json) || !existsSync(bin)) return undefined;
  const meta = JSON.parse(readFileSync(json, 'utf8')) as {
    version?: number;
    source?: TargetSource;
    field?: typeof HIP_FIELD;
    gradientCorrelation?: HipTrainingTarget['gradientCorrelation'];
  };
  const n = HIP_FIELD.rows * HIP_FIELD.columns;
  const buffer = readFileSync(bin);
  if (meta.source === undefined || !sameSource(meta.source, source)) return undefined;
  if (meta.version !== FILE_VERSION || meta.field?.rows !== HIP_FIELD.rows || meta.field.columns !== HIP_FIELD.columns || buffer.byteLength !== 12 * n)
    return undefined;
  const values = new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  return {
    caseId,
    side: source.side,
    xray: values.slice(0, n),
    pfDrr: values.slice(n, 2 * n),
    boneDrr: values.slice(2 * n),
    gradientCorrelation: meta.gradientCorrelation ?? { pelvis: Number.NaN, femur: Number.NaN },
  };
}
