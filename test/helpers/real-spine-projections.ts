// Radiograph-like projections through the real CT of ../shared/realdata (TotalSegmentator's public
// abdomen-pelvis case, 120 kVp, 3 mm) and where a lumbar model's locators put L1-L4 on them, against
// the reference vertebra masks: shared by test/lumbar-real-drr.test.ts (AP),
// test/lumbar-real-lateral-drr.test.ts and scripts/evaluate-lumbar-real-ct.mjs (any model folder).
// The real CT is a test fixture only: nothing is trained, tuned or fitted on it.
//
// Each voxel's HU is read as water plus hydroxyapatite at the CT's effective energy (about 70 keV at
// 120 kVp), and its attenuation taken at the radiograph beam's effective energy from the NIST tables
// of data/physics (src/physics/drr/ct-attenuation.ts); parallel beam, the top of the volume first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createImage2D } from '../../src/core/image2d.js';
import type { Image2D } from '../../src/core/image2d.js';
import type { Volume3D } from '../../src/core/volume3d.js';
import { readNifti } from '../../src/io/nifti.js';
import { DEFAULT_CT_EFFECTIVE_KEV, ctAttenuationPerMm } from '../../src/physics/drr/ct-attenuation.js';
import { loadMaterialCatalog } from '../../src/physics/material-catalog.js';
import { nnBackend } from '../../src/nn/nn-backend.js';
import { canonicalVolume } from '../../src/pipelines/ct-spine/ct-spine-series.js';
import type { ImplantCheck } from '../../src/pipelines/lumbar/implant-check.js';
import { checkForImplants } from '../../src/pipelines/lumbar/implant-check.js';
import { locateLumbarLevels } from '../../src/pipelines/lumbar/locate-lumbar-levels.js';
import { loadLumbarModel } from '../../src/pipelines/lumbar/lumbar-model.js';

export const REAL_CT_FOLDER = fileURLToPath(new URL('../../../../shared/realdata/totalseg-example-ct/', import.meta.url));
export const REAL_CT = join(REAL_CT_FOLDER, 'example_ct.nii.gz');
export const SHIPPED_LUMBAR_MODEL = fileURLToPath(new URL('../../../models/lumbar/', import.meta.url));

/** Why the real-CT checks cannot run here, or undefined when they can. */
export function realCtMissing(): string | undefined {
  return existsSync(REAL_CT) ? undefined : `SKIPPED: ${REAL_CT} not found (the real CT of ../shared/realdata)`;
}

export type ProjectionView = 'ap' | 'lat';

/**
 * A parallel projection of a canonical volume (+x patient left, +y posterior, +z superior): AP
 * along y (columns = x), left lateral along x (columns = y, anterior first, as the simulator's
 * lateral views); each pixel the line integral of mu per mm at `energyKeV`.
 */
export function spineProjection(v: Volume3D, view: ProjectionView, energyKeV: number): Image2D {
  const mu = ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: energyKeV, ctKeV: DEFAULT_CT_EFFECTIVE_KEV });
  const [nx, ny, nz] = v.size;
  const columns = view === 'ap' ? nx : ny;
  const alongMm = view === 'ap' ? v.spacingMm[1] : v.spacingMm[0];
  const data = new Float32Array(columns * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) data[(nz - 1 - k) * columns + (view === 'ap' ? i : j)]! += mu(Number(v.data[(k * ny + j) * nx + i])) * alongMm;
  const pixelMm = view === 'ap' ? v.spacingMm[0] : v.spacingMm[1];
  if (Math.abs(v.spacingMm[2] - pixelMm) > 1e-6) throw new Error(`the projection needs square pixels (${pixelMm} x ${v.spacingMm[2]} mm)`);
  return createImage2D({ data, size: [columns, nz], spacingMm: [pixelMm, pixelMm], unit: 'raw' });
}

/** A reference vertebra on a projection: its centroid (column, row) and its column extent, in pixels. */
export async function projectedVertebra(name: string, view: ProjectionView): Promise<{ centroid: [number, number]; columns: [number, number] }> {
  const file = join(REAL_CT_FOLDER, 'reference-masks', `${name}.nii.gz`);
  const mask = canonicalVolume(await readNifti(file), file);
  const [nx, ny, nz] = mask.size;
  let [sc, sr, n, low, high] = [0, 0, 0, Infinity, -Infinity];
  for (let p = 0; p < mask.data.length; p++) {
    if (Number(mask.data[p]) < 0.5) continue;
    const column = view === 'ap' ? p % nx : Math.floor(p / nx) % ny;
    sc += column;
    sr += nz - 1 - Math.floor(p / (nx * ny));
    low = Math.min(low, column);
    high = Math.max(high, column);
    n++;
  }
  return { centroid: [sc / n, sr / n], columns: [low, high] };
}

// Read once per process: the checks and the script project the same CT with the same models several times.
let realCtRead: Promise<Volume3D> | undefined;
const modelsRead = new Map<string, ReturnType<typeof loadLumbarModel>>();

function realCt(): Promise<Volume3D> {
  realCtRead ??= readNifti(REAL_CT).then((v) => canonicalVolume(v, REAL_CT));
  return realCtRead;
}

async function lumbarModel(dir: string): ReturnType<typeof loadLumbarModel> {
  const tf = await nnBackend('wasm');
  let model = modelsRead.get(dir);
  if (model === undefined) {
    model = loadLumbarModel(tf, dir);
    modelsRead.set(dir, model);
  }
  return model;
}

/** Where a view's locator put one ROI level against its reference vertebra, mm. */
export interface LevelOnReference {
  /** Box centre to the vertebra's centroid (AP: both directions; lateral: vertically, the centroid lying behind the body). */
  distanceMm: number;
  /** Lateral: whether the box centre lies within the vertebra's projected extent front to back. */
  inside: boolean;
}

export interface RealProjectionLocation {
  levels: Partial<Record<'L1' | 'L2' | 'L3' | 'L4', LevelOnReference>>;
  notes: string[];
  inOrder: boolean;
  /** AP only: the implant check on the bodies found. */
  implants?: ImplantCheck;
}

/**
 * A model folder's locator on the real CT's projection: each L1-L4 ROI against its reference
 * vertebra, the plausibility check's notes, and (AP) the implant check. The lateral view takes the
 * count of the AP projection at the same energy, as analyze does.
 */
export async function locateOnRealProjection(o: { modelDir: string; view: ProjectionView; energyKeV: number }): Promise<RealProjectionLocation> {
  const volume = await realCt();
  const tf = await nnBackend('wasm');
  const model = await lumbarModel(o.modelDir);
  const image = spineProjection(volume, o.view, o.energyKeV);
  const ribShift = o.view === 'lat' ? locateLumbarLevels(tf, model.locators.ap, spineProjection(volume, 'ap', o.energyKeV), 'ap').ribShift : undefined;
  const location = locateLumbarLevels(tf, model.locators[o.view], image, o.view, { ribShift });
  const pixelMm = image.spacingMm[0];
  const levels: RealProjectionLocation['levels'] = {};
  for (const level of ['L1', 'L2', 'L3', 'L4'] as const) {
    const roi = location.rois.find((r) => r.level === level);
    if (roi === undefined) continue;
    const reference = await projectedVertebra(`vertebrae_${level}`, o.view);
    const [cx, cy] = [(roi.x0 + roi.x1) / 2, (roi.y0 + roi.y1) / 2];
    levels[level] =
      o.view === 'ap'
        ? { distanceMm: Math.hypot(cx - reference.centroid[0], cy - reference.centroid[1]) * pixelMm, inside: true }
        : { distanceMm: Math.abs(cy - reference.centroid[1]) * pixelMm, inside: cx >= reference.columns[0] && cx <= reference.columns[1] };
  }
  return {
    levels,
    notes: location.check.notes,
    inOrder: !location.check.problems.includes('levels-out-of-order'),
    ...(o.view === 'ap' ? { implants: checkForImplants({ image, bodies: location.bodies }) } : {}),
  };
}

/** What is wrong with a location (empty: every L1-L4 within 10 mm of its vertebra, in order, inside it). */
export function problemsOnReference(r: RealProjectionLocation): string[] {
  const problems: string[] = [];
  for (const level of ['L1', 'L2', 'L3', 'L4'] as const) {
    const l = r.levels[level];
    if (l === undefined) problems.push(`${level} not found`);
    else if (l.distanceMm > 10) problems.push(`${level} ${l.distanceMm.toFixed(1)} mm from its vertebra`);
    else if (!l.inside) problems.push(`${level} outside its vertebra front to back`);
  }
  if (!r.inOrder) problems.push('levels out of order');
  return problems;
}

/** One line for a log: each level's distance. */
export function describeOnReference(r: RealProjectionLocation): string {
  const found = Object.entries(r.levels).map(([l, d]) => `${l} ${d.distanceMm.toFixed(1)} mm${d.inside ? '' : ' (outside)'}`);
  return `${found.join(', ') || 'no level found'}; check: ${r.notes.join('; ') || 'plausible'}`;
}
