import { z } from 'zod';
import { OpenBmdError } from '../core/errors.js';
import { packageDataPath } from '../core/package-paths.js';
import { readValidatedJson } from '../core/read-validated-json.js';

const measure = z.object({ mean: z.number(), sd: z.number().positive(), source: z.string(), note: z.string().optional() });
const share = z.object({ value: z.number().min(0).max(1), source: z.string(), note: z.string().optional() });
/** A level a rib reaches: the vertebra, and where along its body's height (-1 inferior endplate, 0 mid-height, 1 superior endplate). */
/** A range of a share, as a published grade gives it. */
const shareRange = z.object({ min: z.number().min(0).max(1), max: z.number().min(0).max(1), source: z.string(), note: z.string().optional() });
/** A range drawn uniformly, in its unit. */
const range = z.object({ min: z.number(), max: z.number(), source: z.string(), note: z.string().optional() });
const ribLandmark = z.object({ level: z.string(), heightShare: z.number().min(-1).max(1), source: z.string(), note: z.string().optional() });

const schema = z.object({
  description: z.string(),
  sources: z.record(z.string(), z.string()),
  sacropelvic: z.object({
    sacralSlopeDeg: measure,
    sacralHeightMm: measure,
    interauricularDistanceMm: measure,
    auricularHeightMm: measure,
    s1BodyWidthMm: measure,
    iliacCrestAboveSacralBaseMm: measure,
  }),
  endplates: z.object({ inferiorConcavityMm: measure, superiorConcavityMm: measure, centralShare: share }),
  segmentationVariants: z.object({ sacralisationShare: share, lumbarisationShare: share, lumbarRibShare: share }),
  segmentHeightShares: z.object({ shoulder: share, elbow: share, greaterTrochanter: share, wrist: share }),
  vertebralBodies: z.object({
    wedgingDeg: z.object({
      source: z.string(),
      note: z.string().optional(),
      sdDeg: z.number().positive(),
      levels: z.record(z.string(), z.object({ F: z.number(), M: z.number() })),
    }),
    waistShare: measure,
    l5AnteriorHeightMm: measure,
    l5PosteriorHeightMm: measure,
    l5EndplateDepthMmWomen: measure,
    l5EndplateDepthMmMen: measure,
    posteriorConcavityMm: measure,
  }),
  ribs: z.object({
    seventhCartilageSternal: ribLandmark,
    ninthCartilageTip: ribLandmark,
    tenthCartilageLowest: ribLandmark,
    costalCartilageArcDeg: measure,
  }),
  vertebralFractures: z.object({
    mildHeightLoss: shareRange,
    moderateHeightLoss: shareRange,
    severeHeightLoss: shareRange,
    wedgeShare: share,
    biconcaveShare: share,
    crushShare: share,
    mildShare: share,
    moderateShare: share,
    severeShare: share,
  }),
  schmorlNodes: z.object({
    menShare: share,
    womenShare: share,
    levelWeights: z.object({ source: z.string(), note: z.string().optional(), levels: z.record(z.string(), z.number().nonnegative()) }),
    secondNodeShare: share,
    inferiorEndplateShare: share,
    widthMm: range,
    depthMm: range,
    rimMm: range,
  }),
});

/** A published measure: mean and SD in its unit, and its source in words. */
export interface PublishedMeasure {
  readonly mean: number;
  readonly sd: number;
  readonly source: string;
}

/** The file's measures, each source key replaced by the source's words. */
export type TrunkAnatomyMeasures = Omit<z.infer<typeof schema>, 'description' | 'sources'>;

let cached: TrunkAnatomyMeasures | undefined;

/**
 * data/simulate/trunk-anatomy.json: the published measurements the simulator's trunk is drawn from,
 * each with its source resolved to words (a source key the file does not define is refused).
 */
export function loadTrunkAnatomyMeasures(): TrunkAnatomyMeasures {
  if (cached !== undefined) return cached;
  const file = packageDataPath('simulate', 'trunk-anatomy.json');
  const raw = readValidatedJson(file, schema, 'trunk anatomy measures');
  const resolved = <G extends Record<string, { source: string }>>(group: G, name: string): G =>
    Object.fromEntries(
      Object.entries(group).map(([key, entry]) => {
        const words = raw.sources[entry.source];
        if (words === undefined)
          throw new OpenBmdError('MALFORMED', `trunk anatomy measures: ${name}.${key} names the source '${entry.source}', which sources does not define`, {
            file,
          });
        return [key, { ...entry, source: words }];
      }),
    ) as G;
  cached = {
    sacropelvic: resolved(raw.sacropelvic, 'sacropelvic'),
    endplates: resolved(raw.endplates, 'endplates'),
    segmentationVariants: resolved(raw.segmentationVariants, 'segmentationVariants'),
    segmentHeightShares: resolved(raw.segmentHeightShares, 'segmentHeightShares'),
    vertebralBodies: resolved(raw.vertebralBodies, 'vertebralBodies'),
    ribs: resolved(raw.ribs, 'ribs'),
    vertebralFractures: resolved(raw.vertebralFractures, 'vertebralFractures'),
    schmorlNodes: resolved(raw.schmorlNodes, 'schmorlNodes'),
  };
  return cached;
}
