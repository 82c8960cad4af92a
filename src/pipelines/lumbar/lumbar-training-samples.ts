import type { BmdCategory, ClinicalKnowledge } from '../../clinical/index.js';
import type { Image2D } from '../../core/image2d.js';
import { caseCategory } from '../../evaluate/case-category.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import { readLabelImage } from '../../io/label-image.js';
import { classSharesOnGrid } from '../../imaging/grid-class-shares.js';
import type { LumbarCovariates } from './bmd-network-io.js';
import type { LumbarCase } from './lumbar-cohort.js';
import type { LumbarView } from './lumbar-networks.js';
import { LOCATOR_CLASSES, LOCATOR_LEVELS, verseLabel } from './lumbar-networks.js';
import { SACRUM_LABEL } from './sacrum-count.js';
import { lumbarRadiograph } from './lumbar-radiograph.js';
import type { ViewLocation } from './locate-lumbar-levels.js';
import { locationFromBodies, locatorInput } from './locate-lumbar-levels.js';
import { bodyBoxesFromLabels } from './vertebral-body-boxes.js';

/** What one view of a labelled study trains on (small arrays only: the radiograph itself is not kept). */
export interface LumbarViewSample {
  /** The locator's input and its class shares on LOCATOR_GRID. */
  locatorInput: Float32Array;
  shares: Float32Array;
  /** The levels as the labels give them (boxes, seed 004's ROIs), for box IoU. */
  truth: ViewLocation;
}

export interface LumbarTrainingSample {
  caseId: string;
  patientId: string;
  views: Partial<Record<LumbarView, LumbarViewSample>>;
  covariates: LumbarCovariates;
  lumbarAbmd: number | undefined;
  femneckAbmd: number | undefined;
  /** WHO category from the truth (lowest T-score of the lumbar spine and femoral neck, as evaluate forms it). */
  category: BmdCategory | undefined;
}

/** The sacrum's VerSe code. */
const VERSE_SACRUM = 26;

const LEVEL_OF_VERSE = new Map(LOCATOR_LEVELS.map((level, k) => [verseLabel(level), k + 1]));

/** A label image's VerSe codes as levels (T12-L5 = 1-6, anything else 0): the truth the boxes are measured against. */
export function levelClasses(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let p = 0; p < labels.length; p++) out[p] = LEVEL_OF_VERSE.get(Number(labels[p])) ?? 0;
  return out;
}

/**
 * A label image's VerSe codes as the locator's classes: any vertebral body (C1-L6, 1-25) is 1, and
 * 2 in the middle half of its level's rows (its core); the sacrum (26) is 3.
 */
export function bodyClasses(labels: ArrayLike<number>, columns: number): Uint8Array {
  const rowsOf = new Map<number, [number, number]>();
  for (let p = 0; p < labels.length; p++) {
    const code = Number(labels[p]);
    if (code < 1 || code > 25) continue;
    const y = Math.floor(p / columns);
    const span = rowsOf.get(code);
    if (span === undefined) rowsOf.set(code, [y, y]);
    else span[1] = y;
  }
  const out = new Uint8Array(labels.length);
  for (let p = 0; p < labels.length; p++) {
    const code = Number(labels[p]);
    if (code === VERSE_SACRUM) {
      out[p] = SACRUM_LABEL;
      continue;
    }
    const span = rowsOf.get(code);
    if (span === undefined) continue;
    const y = Math.floor(p / columns);
    const quarter = (span[1] - span[0]) / 4;
    out[p] = y >= span[0] + quarter && y <= span[1] - quarter ? 2 : 1;
  }
  return out;
}

async function viewSample(image: Image2D, labelFile: string, view: LumbarView): Promise<LumbarViewSample> {
  const verse = await readLabelImage(labelFile, image);
  const { grid, input, levels } = locatorInput(image);
  const truth = locationFromBodies({ view, bodies: bodyBoxesFromLabels(levelClasses(verse), image.size[0], image.size[1]), image, greyLevels: levels });
  return {
    locatorInput: input,
    shares: classSharesOnGrid({ labels: bodyClasses(verse, image.size[0]), imageSize: image.size, grid, classes: LOCATOR_CLASSES.length }),
    truth,
  };
}

/** Reads one labelled study (its AP and, when present, lateral radiograph with their label images) into training arrays. */
export async function lumbarTrainingSample(c: LumbarCase, knowledge: ClinicalKnowledge): Promise<LumbarTrainingSample> {
  const views: LumbarTrainingSample['views'] = {};
  const ap = lumbarRadiograph(await readDicomFile(c.image), 'ap');
  views.ap = await viewSample(ap, c.labels!.ap, 'ap');
  if (c.imageLat !== undefined && c.labels?.lat !== undefined) {
    const lat = lumbarRadiograph(await readDicomFile(c.imageLat), 'lat');
    views.lat = await viewSample(lat, c.labels.lat, 'lat');
  }
  const values = {
    ...(c.lumbarAbmd === undefined ? {} : { lumbar_abmd: c.lumbarAbmd }),
    ...(c.femneckAbmd === undefined ? {} : { femneck_abmd: c.femneckAbmd }),
  };
  const outcome = caseCategory(knowledge, { sex: c.sex, ageYears: c.ageYears }, values);
  return {
    caseId: c.caseId,
    patientId: c.patientId,
    views,
    covariates: { ageYears: c.ageYears, sex: c.sex, heightCm: c.heightCm, weightKg: c.weightKg },
    lumbarAbmd: c.lumbarAbmd,
    femneckAbmd: c.femneckAbmd,
    category: 'formed' in outcome ? outcome.formed.category : undefined,
  };
}
