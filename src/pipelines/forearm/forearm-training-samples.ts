import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OpenBmdError, describeThrown } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import type { Point } from './forearm-roi-geometry.js';
import { FINE_CROP, WHOLE_GRID } from './forearm-networks.js';
import { segmentationTargets } from './forearm-segmentation.js';
import { cropGrid, imageToGrid, normaliseForNetwork, sampleOnGrid, wholeImageGrid } from '../../imaging/network-grid.js';

/** What the three networks train on, for one labelled radiograph (small arrays only: the image itself is not kept). */
export interface ForearmTrainingSample {
  caseId: string;
  /** Whole-image input, [rows, columns] of WHOLE_GRID, normalised. */
  whole: Float32Array;
  /** Class shares on the same grid, [rows, columns, 3]. */
  segmentation: Float32Array;
  /** Key points on the whole-image grid. */
  wholeKeyPoints: [Point, Point];
  /** Context crop (FINE_CROP.contextSize square at FINE_CROP.pixelMm) centred between the true key points, normalised. */
  context: Float32Array;
  contextKeyPoints: [Point, Point];
}

const landmarkFileSchema = z.object({ keyPoints: z.array(z.object({ name: z.string(), pixel: z.tuple([z.number(), z.number()]) })).min(2) });

export function readKeyPoints(file: string): [Point, Point] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (thrown) {
    throw new OpenBmdError('MALFORMED', `not readable JSON (${describeThrown(thrown)})`, { file });
  }
  const result = landmarkFileSchema.safeParse(parsed);
  if (!result.success) throw new OpenBmdError('MALFORMED', `landmark file: ${result.error.issues[0]?.message ?? 'invalid'}`, { file });
  const [a, b] = result.data.keyPoints;
  return [a!.pixel, b!.pixel];
}

/** The training arrays of one radiograph from its labels and true key points. */
export function forearmTrainingSample(caseId: string, image: Image2D, labels: ArrayLike<number>, keyPoints: [Point, Point]): ForearmTrainingSample {
  const whole = wholeImageGrid(image, WHOLE_GRID.columns, WHOLE_GRID.rows);
  const centre: Point = [(keyPoints[0][0] + keyPoints[1][0]) / 2, (keyPoints[0][1] + keyPoints[1][1]) / 2];
  const context = cropGrid(image, centre, FINE_CROP.contextSize, FINE_CROP.pixelMm);
  return {
    caseId,
    whole: normaliseForNetwork(sampleOnGrid(image, whole)).data,
    segmentation: segmentationTargets(labels, image.size, whole),
    wholeKeyPoints: [imageToGrid(whole, keyPoints[0]), imageToGrid(whole, keyPoints[1])],
    context: normaliseForNetwork(sampleOnGrid(image, context)).data,
    contextKeyPoints: [imageToGrid(context, keyPoints[0]), imageToGrid(context, keyPoints[1])],
  };
}
