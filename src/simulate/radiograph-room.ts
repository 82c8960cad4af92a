import { SeededRandom, seedFromText } from '../core/seeded-random.js';
import { OpenBmdError } from '../core/errors.js';
import type { ProcessingChain } from '../physics/processing-chain.js';
import type { VendorProfile } from '../physics/vendor-profile.js';

/**
 * A radiography room: a vendor's detector behind the processing that room's workstation applies,
 * and what else its images carry (collimation, lead markers, grid lines). A room keeps its
 * processing for every image it takes, as a hospital's room does; the DICOM names the room's
 * detector model with the room, so each room is a detector of its own to a method.
 */
export interface RadiographRoom extends VendorProfile {
  /** Null: the vendor's own processing (the profiles' fixed curves). */
  readonly roomChain: ProcessingChain | null;
  readonly clutter: RoomClutter | null;
}

/** What a room adds to the exposure besides the patient. */
export interface RoomClutter {
  /** Anti-scatter grid lines: a relative modulation of the exposure along columns or rows. */
  gridLines: { periodMm: number; depth: number; along: 'columns' | 'rows' } | null;
  /** Chance an image is collimated to the anatomy (outside, scatter only) and, if so, shuttered to white or black. */
  collimationChance: number;
  shutter: 'white' | 'black' | 'none';
  /** Lead letters placed in the open field. */
  markers: number;
}

/**
 * Processing families: each is a kind of room, its parameters drawn per room. Held-out families
 * measure whether a method learned the image or the processing it was trained on.
 */
export const PROCESSING_FAMILIES = ['log-unsharp', 'power-law', 'linear-raw', 'film-like', 'multiscale'] as const;
export type ProcessingFamily = (typeof PROCESSING_FAMILIES)[number];

/** Rooms per family and vendor: two rooms of a family differ in their drawn parameters. */
export const ROOMS_PER_FAMILY = 2;

const between = (random: SeededRandom, lo: number, hi: number): number => lo + (hi - lo) * random.nextFloat();

/** One room's processing chain of a family, its parameters drawn from the ranges such rooms use. */
export function drawProcessingChain(family: ProcessingFamily, random: SeededRandom): ProcessingChain {
  const gainJitter = between(random, 0.03, 0.15);
  if (family === 'log-unsharp') {
    const auto = random.nextFloat() < 0.5;
    return {
      family,
      response: { kind: 'log' },
      ranging: auto
        ? { kind: 'auto', lowPercentile: between(random, 0, 0.02), highPercentile: between(random, 0.98, 1) }
        : { kind: 'fixed', openTransmission: between(random, 0.9, 1.3), darkTransmission: between(random, 0.001, 0.01) },
      lut: { kind: 'gamma', gamma: between(random, 0.7, 1.25) },
      bands: [{ sigmaMm: between(random, 0.8, 3), gain: between(random, 0, 0.8) }],
      rangeCompression: null,
      gainJitter,
    };
  }
  if (family === 'power-law')
    return {
      family,
      response: { kind: 'power', exponent: between(random, 0.3, 0.7) },
      ranging: { kind: 'auto', lowPercentile: between(random, 0, 0.02), highPercentile: between(random, 0.97, 1) },
      lut: { kind: 'gamma', gamma: between(random, 0.8, 1.2) },
      bands: random.nextFloat() < 0.5 ? [] : [{ sigmaMm: between(random, 0.5, 2), gain: between(random, 0.2, 1) }],
      rangeCompression: null,
      gainJitter,
    };
  if (family === 'linear-raw')
    return {
      family,
      response: { kind: 'power', exponent: 1 },
      ranging: { kind: 'fixed', openTransmission: between(random, 1, 1.4), darkTransmission: 0 },
      lut: { kind: 'gamma', gamma: 1 },
      bands: [],
      rangeCompression: null,
      gainJitter,
    };
  if (family === 'film-like')
    return {
      family,
      response: { kind: 'film', slope: between(random, 1.2, 3), centrePercentile: between(random, 0.3, 0.6) },
      ranging: { kind: 'fixed', openTransmission: 1e6, darkTransmission: 1e-6 },
      lut: { kind: 'gamma', gamma: 1 },
      bands: random.nextFloat() < 0.5 ? [] : [{ sigmaMm: between(random, 1, 3), gain: between(random, 0.1, 0.4) }],
      rangeCompression: null,
      gainJitter,
    };
  // Multi-scale: detail bands an octave apart with their own gains, a compressed dynamic range and an S-shaped LUT.
  const bandCount = 3 + random.nextInt(3);
  let sigma = between(random, 0.3, 0.6);
  const bands: { sigmaMm: number; gain: number }[] = [];
  for (let k = 0; k < bandCount; k++) {
    bands.push({ sigmaMm: sigma, gain: between(random, 0.1, 1) });
    sigma *= 2;
  }
  return {
    family,
    response: { kind: 'log' },
    ranging: { kind: 'auto', lowPercentile: between(random, 0.005, 0.03), highPercentile: between(random, 0.97, 0.995) },
    lut: { kind: 'sigmoid', contrast: between(random, 1.5, 4) },
    bands,
    rangeCompression: { sigmaMm: between(random, 12, 30), amount: between(random, 0.3, 0.7) },
    gainJitter,
  };
}

function drawClutter(random: SeededRandom): RoomClutter {
  return {
    gridLines:
      random.nextFloat() < 0.4
        ? { periodMm: between(random, 0.18, 0.6), depth: between(random, 0.01, 0.06), along: random.nextFloat() < 0.5 ? 'columns' : 'rows' }
        : null,
    collimationChance: between(random, 0.3, 1),
    shutter: (['white', 'black', 'none'] as const)[random.nextInt(3)]!,
    markers: random.nextInt(3),
  };
}

/** The vendor's detector with its own processing and nothing else in the field (the profiles as they were). */
export function vendorRoom(vendor: VendorProfile): RadiographRoom {
  return { ...vendor, roomChain: null, clutter: null };
}

/**
 * Room `index` of a processing family with a vendor's detector. Its parameters follow from the
 * vendor, family and index alone (not the cohort's seed), so a room is the same room in every
 * cohort, as a hospital's is; `perImage` draws a fresh chain for every image instead (domain
 * randomisation), seeded by the image.
 */
export function processingRoom(o: { vendor: VendorProfile; family: ProcessingFamily; index: number; perImage?: SeededRandom }): RadiographRoom {
  const key = `${o.vendor.id}/${o.family}/${o.index}`;
  const random = o.perImage ?? new SeededRandom(seedFromText(key));
  const roomChain = drawProcessingChain(o.family, random);
  const clutter = drawClutter(random);
  const label = o.perImage === undefined ? `${o.family} room ${o.index + 1}` : `${o.family}, randomised`;
  return {
    ...o.vendor,
    id: o.perImage === undefined ? key : `${o.vendor.id}/${o.family}/randomised`,
    model: `${o.vendor.model} (${label})`,
    roomChain,
    clutter,
  };
}

/** `--processing` values: the processing families, and 'vendor' for each vendor profile's own processing. */
export type ProcessingChoice = ProcessingFamily | 'vendor';

/** Parses `--processing`: a comma-separated list of families and/or 'vendor'; null when only the vendors' own. */
export function parseProcessingFamilies(value: string | undefined): ProcessingChoice[] | null {
  if (value === undefined || value === 'vendor') return null;
  const families = value.split(',').map((f) => f.trim());
  const unknown = families.filter((f) => f !== 'vendor' && !PROCESSING_FAMILIES.includes(f as ProcessingFamily));
  if (families.length === 0 || unknown.length > 0)
    throw new OpenBmdError('BAD_ARGUMENT', `--processing takes any of vendor, ${PROCESSING_FAMILIES.join(', ')}; got '${value}'`);
  return families as ProcessingChoice[];
}
