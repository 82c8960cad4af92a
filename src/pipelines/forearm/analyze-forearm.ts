import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import type { StepWedgePhantom } from '../../calibration/step-wedge/step-wedge-phantom.js';
import type { ClinicalInterpretation, Person } from '../../clinical/interpret-measurement.js';
import { interpretMeasurement } from '../../clinical/interpret-measurement.js';
import type { ClinicalKnowledge } from '../../clinical/clinical-knowledge.js';
import { dicomFrameToImage2D } from '../../io/dicom/dicom-to-image2d.js';
import type { DicomImage } from '../../io/dicom/dicom-image.js';
import { applyAbmdEquationSet, detectorUnseen, equationInputsOf, roomErrorOverLimit } from './abmd-equation-set.js';
import type { ForearmModel, ForearmNetworks } from './forearm-model.js';
import type { ForearmLocation } from './locate-forearm.js';
import { FOREARM_BODY_PARTS } from './forearm-front.js';
import { locateForearm } from './locate-forearm.js';
import type { ForearmMeasurement } from './measure-forearm.js';
import { foregroundFromLabels, measureForearm } from './measure-forearm.js';

/**
 * The two key points span the distal radius's width: outside these generous bounds (a child's
 * distal radial metaphysis is about 1.5-3 cm wide, an adult's under 4 cm) they are not on one.
 */
const KEY_POINT_SPAN_MM: readonly [number, number] = [8, 45];

/** Below this heat-map maximum a key point is flagged as uncertain. */
const MIN_KEY_POINT_CONFIDENCE = 0.3;

export type ForearmQcFlag =
  | 'wedge-steps-not-monotonic'
  | 'wedge-steps-saturated'
  | 'wedge-calibration-poor-fit'
  | 'soft-tissue-too-thin'
  | 'one-background-square'
  | 'no-background-square'
  | 'key-point-uncertain'
  | 'key-points-implausible'
  | 'no-soft-tissue-baseline'
  | 'detector-not-in-training'
  | 'room-not-quantitative';

/**
 * QC flags that make the number unusable: `analyze` exits 2 and a batch records the row as failed.
 * A wedge whose grey levels are not a straight line in thickness (seed 000's poor fit) is only
 * noted: openbmd's calibration follows the wedge's curve, whatever the detector's response; so is
 * a forearm without a background square (openbmd then takes the wedge's own background).
 */
export const REFUSING_FLAGS: readonly ForearmQcFlag[] = [
  'wedge-steps-not-monotonic',
  'wedge-steps-saturated',
  'key-points-implausible',
  'no-soft-tissue-baseline',
  'room-not-quantitative',
];

export interface ForearmAnalysis {
  file: string;
  image: Image2D;
  location: ForearmLocation;
  measurement: ForearmMeasurement;
  /** Eq. [2] with the model's P, Q, R; undefined when the model has no fitted equation. */
  abmdGPerCm2: number | undefined;
  /** The detector (DICOM Manufacturer / ManufacturerModelName) and whether its own Eq. [2] was used. */
  detector: string;
  equationScope: 'detector' | 'pooled' | undefined;
  /** The detector's out-of-fold RMS error in training where it is over the limit for a usable aBMD (flag room-not-quantitative), g/cm2. */
  roomErrorGPerCm2: number | undefined;
  interpretation: ClinicalInterpretation | undefined;
  flags: ForearmQcFlag[];
}

/** The image of a DICOM that should be a hand/forearm radiograph, or a clear refusal naming the file. */
export function forearmImage(dicom: DicomImage): Image2D {
  const part = dicom.acquisition.bodyPart?.trim().toUpperCase();
  if (part !== undefined && part !== '' && !FOREARM_BODY_PARTS.includes(part)) {
    throw new OpenBmdError('INVALID_VALUE', `BodyPartExamined is ${part}: the forearm pipeline reads hand/forearm radiographs`, { file: dicom.file });
  }
  if (dicom.pixel.samplesPerPixel !== 1)
    throw new OpenBmdError('UNSUPPORTED', `has ${dicom.pixel.samplesPerPixel} samples per pixel; a radiograph is greyscale`, { file: dicom.file });
  if (dicom.frames.length !== 1)
    throw new OpenBmdError('UNSUPPORTED', `has ${dicom.frames.length} frames; the forearm pipeline reads one radiograph`, { file: dicom.file });
  const image = dicomFrameToImage2D(dicom);
  if (Math.abs(image.spacingMm[0] - image.spacingMm[1]) > 1e-3 * image.spacingMm[0]) {
    throw new OpenBmdError('UNSUPPORTED', `has non-square pixels (${image.spacingMm.join(' x ')} mm)`, { file: dicom.file });
  }
  return image;
}

/** The networks' stages and the measurement on one radiograph, with every QC flag they raise (one place for the flags). */
export function locateAndMeasure(
  tf: TensorFlow,
  o: { networks: ForearmNetworks; image: Image2D; phantom: StepWedgePhantom; backgroundRemoval: boolean; file: string },
): { location: ForearmLocation; measurement: ForearmMeasurement; flags: ForearmQcFlag[] } {
  const { networks, image, phantom, backgroundRemoval, file } = o;
  const location = locateForearm(tf, networks, image, backgroundRemoval);
  const [columns, rows] = image.size;
  const measurement = measureForearm(image, phantom, location.keyPoints, foregroundFromLabels(location.labels, columns, rows), file);
  const flags: ForearmQcFlag[] = [...measurement.calibration.flags, ...measurement.geometry.flags];
  if (location.keyPointConfidence.some((c) => !(c >= MIN_KEY_POINT_CONFIDENCE))) flags.push('key-point-uncertain');
  const [radial, ulnar] = location.keyPoints;
  const widthMm = Math.hypot(radial[0] - ulnar[0], radial[1] - ulnar[1]) * image.spacingMm[0];
  if (!(widthMm >= KEY_POINT_SPAN_MM[0] && widthMm <= KEY_POINT_SPAN_MM[1])) flags.push('key-points-implausible');
  if (!Number.isFinite(measurement.rois.softTissueUnderRadiusMm)) flags.push('no-soft-tissue-baseline');
  return { location, measurement, flags };
}

/**
 * Seed 000 on one radiograph: networks (background removal, key points), step wedge and per-image
 * calibration, ROIs, Eq. [2] and the clinical wording. Pure of I/O: the caller reads the files.
 */
export function analyzeForearm(
  tf: TensorFlow,
  o: { model: ForearmModel; image: Image2D; phantom: StepWedgePhantom; file: string; detector: string; person: Person; knowledge: ClinicalKnowledge },
): ForearmAnalysis {
  const { model, image, phantom, file, detector, person, knowledge } = o;
  const { location, measurement, flags } = locateAndMeasure(tf, { networks: model.networks, image, phantom, backgroundRemoval: model.backgroundRemoval, file });
  const input = { ...measurement.rois, detector };
  const inputs = model.equation === undefined ? undefined : equationInputsOf(model.equation.softTissue, input);
  const usable = inputs !== undefined && Number.isFinite(inputs.radiusMm) && Number.isFinite(inputs.softTissueMm);
  const applied = model.equation === undefined || !usable ? undefined : applyAbmdEquationSet(model.equation, input);
  if (model.equation !== undefined && detectorUnseen(model.equation, detector)) flags.push('detector-not-in-training');
  // A room whose radiographs were too far off in training: its processing is not quantitative.
  const roomErrorGPerCm2 = model.equation === undefined ? undefined : roomErrorOverLimit(model.equation, detector);
  if (roomErrorGPerCm2 !== undefined) flags.push('room-not-quantitative');
  const abmdGPerCm2 = applied?.abmdGPerCm2;
  const interpretation = abmdGPerCm2 === undefined ? undefined : interpretMeasurement(knowledge, 'forearm_abmd', abmdGPerCm2, person);
  return { file, image, location, measurement, abmdGPerCm2, detector, equationScope: applied?.scope, roomErrorGPerCm2, interpretation, flags };
}

/** The aBMD reported for a radiograph: none where its QC refuses the number (it is then neither printed nor written beside the refusal). */
export function reportedAbmd(a: Pick<ForearmAnalysis, 'abmdGPerCm2' | 'flags'>): number | undefined {
  return refusingFlags(a.flags).length > 0 ? undefined : a.abmdGPerCm2;
}

/** The flags among these that make the number unusable. */
export function refusingFlags(flags: readonly string[]): ForearmQcFlag[] {
  return flags.filter((f): f is ForearmQcFlag => (REFUSING_FLAGS as readonly string[]).includes(f));
}
