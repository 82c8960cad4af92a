import { OpenBmdError } from '../core/errors.js';
import type { SeededRandom } from '../core/seeded-random.js';
import { jpegRoundTrip } from '../io/jpeg-roundtrip.js';
import type { ProcessingRecord } from '../physics/detector-processing.js';
import { processDetectorImage } from '../physics/detector-processing.js';
import type { MaterialCatalog } from '../physics/material-catalog.js';
import { PolychromaticBeam } from '../physics/polychromatic-beam.js';
import type { DigitalPhantom } from '../physics/phantom/digital-phantom.js';
import type { MaterialProjection } from '../physics/project-phantom.js';
import { phantomMaterials, projectPhantom } from '../physics/project-phantom.js';
import type { ProjectionGeometry } from '../physics/projection-geometry.js';
import { exposeRadiograph } from '../physics/radiograph-exposure.js';
import type { RadiographRoom } from './radiograph-room.js';
import type { ClutterRecord } from './radiograph-clutter.js';
import { addRoomClutter, applyShutter } from './radiograph-clutter.js';
import type { DxImageOptions } from '../io/dicom/write/write-dx-image.js';
import { kramersSpectrum } from '../physics/x-ray-spectrum.js';
import { SACRUM_MASK_BIT } from './spine/spine-levels.js';

export interface AcquisitionOptions {
  kVp: number;
  aluminiumMm: number;
  scatterFraction: number;
  scatterSigmaMm: number;
  /** Multiplies the vendor's detected quanta (dose); lower = noisier. */
  doseFactor: number;
  jpegQuality?: number;
  /** Automatic exposure control target (see ExposureOptions); undefined: nominal exposure. */
  automaticExposureSignal?: number;
  /**
   * With AEC: the air kerma at the detector behind the chamber (µGy), before `doseFactor`. Sets
   * the quantum noise from the beam's physics; undefined: the vendor's `quantaPerMm2` does.
   */
  detectorAirKermaMicroGy?: number;
  /**
   * Fine structure the phantom's regions do not draw (e.g. the trabecular pattern): given the
   * projection, with the mineral of the regions `mineralSubset` selects summed on its own, the
   * hydroxyapatite (g/cm2, may be negative) to add to each detector pixel.
   */
  addedMineral?: { mineralSubset: (region: number) => boolean; perPixel: (projection: MaterialProjection) => Float32Array };
}

export interface Radiograph {
  pixels: Uint16Array;
  record: ProcessingRecord;
  projection: MaterialProjection;
  /** Exposure relative to the nominal one (AEC); the processing's input signal is relative to a nominal open field. */
  exposureScale: number;
  /** With AEC: detected quanta per mm2 behind the chamber (sets the noise); null without AEC. */
  chamberDetectedQuantaPerMm2: number | null;
  /** The room's collimation, markers and grid lines on this image (null: none). */
  clutter: ClutterRecord | null;
  jpegRatio?: number;
}

/** Adds hydroxyapatite to a projection's per-pixel areal densities (never below none). */
function addMineral(projection: MaterialProjection, added: Float32Array): void {
  const m = projection.materials.indexOf('hydroxyapatite');
  const pixels = projection.columns * projection.rows;
  if (m < 0 || added.length !== pixels) throw new OpenBmdError('INTERNAL', 'added mineral needs a projection with hydroxyapatite, on its grid');
  for (let p = 0; p < pixels; p++) {
    const k = m * pixels + p;
    projection.arealGPerCm2[k] = Math.max(0, projection.arealGPerCm2[k]! + added[p]!);
  }
}

/** Projects a phantom through a polychromatic beam onto a room's detector and processes it as the room does. */
export async function acquireRadiograph(
  catalog: MaterialCatalog,
  phantom: DigitalPhantom,
  geometry: ProjectionGeometry,
  vendor: RadiographRoom,
  options: AcquisitionOptions,
  random: SeededRandom,
): Promise<Radiograph> {
  const materials = phantomMaterials(phantom);
  const projection = projectPhantom(phantom, geometry, materials, undefined, options.addedMineral?.mineralSubset);
  if (options.addedMineral !== undefined) addMineral(projection, options.addedMineral.perPixel(projection));
  const spectrum = kramersSpectrum(catalog, { kVp: options.kVp, aluminiumMm: options.aluminiumMm });
  const beam = new PolychromaticBeam(catalog, spectrum, { cesiumIodideMm: vendor.cesiumIodideMm }, materials);
  const { signal, exposureScale, chamberDetectedQuantaPerMm2 } = exposeRadiograph(
    projection,
    beam,
    {
      quantaPerMm2: vendor.quantaPerMm2 * options.doseFactor,
      pixelSpacingMm: geometry.pixelSpacingMm,
      scatterFraction: options.scatterFraction,
      scatterSigmaMm: options.scatterSigmaMm,
      blurSigmaMm: vendor.blurSigmaMm,
      ...(options.automaticExposureSignal === undefined ? {} : { automaticExposureSignal: options.automaticExposureSignal }),
      ...(options.detectorAirKermaMicroGy === undefined ? {} : { automaticExposureAirKermaMicroGy: options.detectorAirKermaMicroGy * options.doseFactor }),
    },
    random,
  );
  const clutter =
    vendor.clutter === null
      ? null
      : addRoomClutter(
          signal,
          {
            columns: geometry.columns,
            rows: geometry.rows,
            pixelSpacingMm: geometry.pixelSpacingMm,
            // The sacrum's label bit only labels (spine-levels.ts): markers stay where they always went.
            occupied: (p) => (projection.maskBits[p]! & ~SACRUM_MASK_BIT) !== 0,
            clutter: vendor.clutter,
          },
          random,
        );
  const { pixels, record } = processDetectorImage(
    signal,
    geometry.columns,
    geometry.rows,
    geometry.pixelSpacingMm,
    vendor,
    random,
    vendor.roomChain ?? undefined,
  );
  if (clutter !== null) applyShutter(pixels, geometry.columns, clutter, { maxValue: 2 ** record.bitsStored - 1, photometric: record.photometric });
  if (options.jpegQuality === undefined) return { pixels, record, projection, exposureScale, chamberDetectedQuantaPerMm2, clutter };
  // Through an 8-bit JPEG link and back to the stored range.
  const max = 2 ** record.bitsStored - 1;
  const grey = Uint8Array.from(pixels, (v) => Math.round((v / max) * 255));
  const { pixels: decoded, ratio } = await jpegRoundTrip(grey, geometry.columns, geometry.rows, options.jpegQuality);
  const lossy = Uint16Array.from(decoded, (v) => Math.round((v / 255) * max));
  return { pixels: lossy, record, projection, exposureScale, chamberDetectedQuantaPerMm2, clutter, jpegRatio: ratio };
}

/** The DX fields that follow from the radiograph and its vendor: pixels, bits, photometric, response, window, lossy flag. */
export function radiographDxFields(
  radiograph: Radiograph,
  vendor: RadiographRoom,
  columns: number,
  rows: number,
): Pick<
  DxImageOptions,
  | 'pixels'
  | 'columns'
  | 'rows'
  | 'bitsStored'
  | 'photometric'
  | 'intensityRelationship'
  | 'intensityRelationshipSign'
  | 'manufacturer'
  | 'manufacturerModelName'
  | 'window'
  | 'lossyCompression'
> {
  const max = 2 ** radiograph.record.bitsStored - 1;
  return {
    pixels: radiograph.pixels,
    columns,
    rows,
    bitsStored: radiograph.record.bitsStored,
    photometric: vendor.photometric,
    intensityRelationship: intensityRelationshipOf(vendor),
    intensityRelationshipSign: vendor.photometric === 'MONOCHROME1' ? -1 : 1,
    manufacturer: vendor.manufacturer,
    manufacturerModelName: vendor.model,
    window: { center: max / 2, width: max },
    ...(radiograph.jpegRatio === undefined ? {} : { lossyCompression: { ratio: radiograph.jpegRatio, method: 'ISO_10918_1' } }),
  };
}

/** DICOM Pixel Intensity Relationship: LIN for a linear response, LOG otherwise (a film-like or power-law curve is closer to log than linear). */
function intensityRelationshipOf(room: RadiographRoom): 'LIN' | 'LOG' {
  const response = room.roomChain?.response;
  if (response === undefined) return room.response === 'linear' ? 'LIN' : 'LOG';
  return response.kind === 'power' && response.exponent === 1 ? 'LIN' : 'LOG';
}
