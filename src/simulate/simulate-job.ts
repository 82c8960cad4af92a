import { SeededRandom } from '../core/seeded-random.js';
import { OpenBmdError } from '../core/errors.js';
import { loadMaterialCatalog } from '../physics/material-catalog.js';
import type { ProcessingChoice, RadiographRoom } from './radiograph-room.js';
import { ROOMS_PER_FAMILY, processingRoom, vendorRoom } from './radiograph-room.js';
import { VENDOR_PROFILES, vendorProfile } from '../physics/vendor-profile.js';
import type { VendorProfile } from '../physics/vendor-profile.js';
import type { CtScannerProfile } from '../physics/ct-scanner-profile.js';
import { CT_SCANNER_PROFILES, ctScannerProfile } from '../physics/ct-scanner-profile.js';
import type { CtSpineOptions } from './ct-spine/ct-spine-options.js';
import type { LumbarOptions } from './lumbar/lumbar-options.js';
import type { HipOptions } from './hip/hip-options.js';
import { simulateHipCase } from './hip/simulate-hip-case.js';
import { simulateLumbarCase } from './lumbar/simulate-lumbar-case.js';
import { simulateCtSpineCase } from './ct-spine/simulate-ct-spine-case.js';
import type { SimulatedCase } from './case-output.js';
import type { ForearmOptions } from './forearm/forearm-shape-options.js';
import { simulateForearmCase } from './forearm/simulate-forearm-case.js';
import type { SimulatedSite } from './population-model.js';
import { PopulationModel } from './population-model.js';

/** Everything a worker needs to simulate any case of a cohort (plain data: it crosses threads). */
export interface SimulateJob {
  site: SimulatedSite;
  n: number;
  outDir: string;
  seed: number;
  /** Radiograph vendor profiles, or CT scanner profiles for ct-spine. */
  vendors: string[];
  /**
   * Radiograph sites: null, each vendor's own processing; otherwise each image is taken in a room
   * of one of these processing families (ROOMS_PER_FAMILY rooms of each per vendor), or with a
   * chain of its own when `perImageProcessing` (domain randomisation).
   */
  processing?: ProcessingChoice[] | null;
  perImageProcessing?: boolean;
  forearm: ForearmOptions;
  ctSpine: CtSpineOptions;
  lumbar: LumbarOptions;
  hip: HipOptions;
}

/** Case ids are zero-padded so files sort in case order. */
export function caseIdFor(job: SimulateJob, index: number): string {
  return `${job.site}-${String(index + 1).padStart(Math.max(4, String(job.n).length), '0')}`;
}

/** The seed of one case, independent of how cases are spread over workers. */
export function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
}

/** The device profiles a site's images come from: CT scanners for ct-spine, radiograph vendors otherwise. */
export function defaultDeviceIds(site: SimulatedSite): string[] {
  return site === 'ct-spine' ? CT_SCANNER_PROFILES.map((p) => p.id) : VENDOR_PROFILES.map((p) => p.id);
}

export function resolveScanners(ids: readonly string[]): CtScannerProfile[] {
  return ids.map((id) => {
    const s = ctScannerProfile(id);
    if (s === undefined)
      throw new OpenBmdError('BAD_ARGUMENT', `unknown CT scanner profile '${id}' (known: ${CT_SCANNER_PROFILES.map((p) => p.id).join(', ')})`);
    return s;
  });
}

/** Checks the job's device list against the site's profiles. */
export function resolveDevices(job: SimulateJob): void {
  if (job.site === 'ct-spine') resolveScanners(job.vendors);
  else resolveVendors(job.vendors);
}

export function resolveVendors(ids: readonly string[]): VendorProfile[] {
  return ids.map((id) => {
    const v = vendorProfile(id);
    if (v === undefined) throw new OpenBmdError('BAD_ARGUMENT', `unknown vendor profile '${id}' (known: ${VENDOR_PROFILES.map((p) => p.id).join(', ')})`);
    return v;
  });
}

/** The room an image is taken in: the vendor's own processing, a room of a processing family, or a chain of the image's own. */
function radiographRoom(job: SimulateJob, vendor: VendorProfile, random: SeededRandom): RadiographRoom {
  const families = job.processing ?? null;
  if (families === null || families.length === 0) return vendorRoom(vendor);
  const family = families[random.nextInt(families.length)]!;
  if (family === 'vendor') return vendorRoom(vendor);
  const index = random.nextInt(ROOMS_PER_FAMILY);
  return processingRoom({ vendor, family, index, ...(job.perImageProcessing === true ? { perImage: random } : {}) });
}

let population: PopulationModel | undefined;

/** Simulates case `index` of the job; the same job and index always give the same files. */
export async function runSimulationCase(job: SimulateJob, index: number): Promise<SimulatedCase> {
  population ??= new PopulationModel();
  const random = new SeededRandom(caseSeed(job.seed, index));
  const caseId = caseIdFor(job, index);
  const person = population.draw(job.site, `SIM${String(job.seed).padStart(3, '0')}-${String(index + 1).padStart(5, '0')}`, random);
  const catalog = loadMaterialCatalog();
  if (job.site === 'ct-spine') {
    const scanners = resolveScanners(job.vendors);
    return simulateCtSpineCase(caseId, index, person, scanners[random.nextInt(scanners.length)]!, job.ctSpine, catalog, job.outDir, random);
  }
  const vendors = resolveVendors(job.vendors);
  const vendor = radiographRoom(job, vendors[random.nextInt(vendors.length)]!, random);
  if (job.site === 'hip') {
    const scanner = CT_SCANNER_PROFILES[random.nextInt(CT_SCANNER_PROFILES.length)]!;
    return simulateHipCase(caseId, index, person, vendor, scanner, job.hip, catalog, job.outDir, random);
  }
  if (job.site === 'lumbar') return simulateLumbarCase(caseId, index, person, vendor, job.lumbar, catalog, job.outDir, random);
  return simulateForearmCase(caseId, index, person, vendor, job.forearm, catalog, job.outDir, random);
}
