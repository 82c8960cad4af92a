import { z } from 'zod';
import { OpenBmdError } from '../core/errors.js';
import { packageDataPath } from '../core/package-paths.js';
import { readValidatedJson } from '../core/read-validated-json.js';

const measure = z.object({ mean: z.number(), sd: z.number().positive(), source: z.string(), note: z.string().optional() });
const share = z.object({ value: z.number().min(0).max(1), source: z.string(), note: z.string().optional() });

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
});

/** A published measure: mean and SD in its unit, and its source in words. */
export interface PublishedMeasure {
  readonly mean: number;
  readonly sd: number;
  readonly source: string;
}

/** A published share (a prevalence, a proportion), and its source in words. */
export interface PublishedShare {
  readonly value: number;
  readonly source: string;
}

export interface TrunkAnatomyMeasures {
  sacropelvic: Record<keyof z.infer<typeof schema>['sacropelvic'], PublishedMeasure>;
  endplates: { inferiorConcavityMm: PublishedMeasure; superiorConcavityMm: PublishedMeasure; centralShare: PublishedShare };
  segmentationVariants: Record<keyof z.infer<typeof schema>['segmentationVariants'], PublishedShare>;
  segmentHeightShares: Record<keyof z.infer<typeof schema>['segmentHeightShares'], PublishedShare>;
}

let cached: TrunkAnatomyMeasures | undefined;

/**
 * data/simulate/trunk-anatomy.json: the published measurements the simulator's trunk is drawn from,
 * each with its source resolved to words (a source key the file does not define is refused).
 */
export function loadTrunkAnatomyMeasures(): TrunkAnatomyMeasures {
  if (cached !== undefined) return cached;
  const file = packageDataPath('simulate', 'trunk-anatomy.json');
  const raw = readValidatedJson(file, schema, 'trunk anatomy measures');
  const source = (key: string, where: string): string => {
    const words = raw.sources[key];
    if (words === undefined)
      throw new OpenBmdError('MALFORMED', `trunk anatomy measures: ${where} names the source '${key}', which sources does not define`, { file });
    return words;
  };
  const measures = <K extends string>(group: Record<K, z.infer<typeof measure>>, name: string): Record<K, PublishedMeasure> =>
    Object.fromEntries(
      Object.entries<z.infer<typeof measure>>(group).map(([k, m]) => [k, { mean: m.mean, sd: m.sd, source: source(m.source, `${name}.${k}`) }]),
    ) as Record<K, PublishedMeasure>;
  const shares = <K extends string>(group: Record<K, z.infer<typeof share>>, name: string): Record<K, PublishedShare> =>
    Object.fromEntries(
      Object.entries<z.infer<typeof share>>(group).map(([k, m]) => [k, { value: m.value, source: source(m.source, `${name}.${k}`) }]),
    ) as Record<K, PublishedShare>;
  const e = raw.endplates;
  cached = {
    sacropelvic: measures(raw.sacropelvic, 'sacropelvic'),
    endplates: {
      inferiorConcavityMm: measures({ inferiorConcavityMm: e.inferiorConcavityMm }, 'endplates').inferiorConcavityMm,
      superiorConcavityMm: measures({ superiorConcavityMm: e.superiorConcavityMm }, 'endplates').superiorConcavityMm,
      centralShare: shares({ centralShare: e.centralShare }, 'endplates').centralShare,
    },
    segmentationVariants: shares(raw.segmentationVariants, 'segmentationVariants'),
    segmentHeightShares: shares(raw.segmentHeightShares, 'segmentHeightShares'),
  };
  return cached;
}
