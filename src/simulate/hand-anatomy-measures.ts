import { z } from 'zod';
import { OpenBmdError } from '../core/errors.js';
import { packageDataPath } from '../core/package-paths.js';
import { readValidatedJson } from '../core/read-validated-json.js';

const ageRange = z.object({ range: z.tuple([z.number().nonnegative(), z.number().nonnegative()]), source: z.string(), note: z.string().optional() });

const CENTRES = [
  'capitate',
  'hamate',
  'triquetrum',
  'lunate',
  'scaphoid',
  'trapezium',
  'trapezoid',
  'pisiform',
  'distalRadius',
  'distalUlnaGirls',
  'distalUlnaBoys',
] as const;

/** An ossification centre of the file. */
export type OssificationCentre = (typeof CENTRES)[number];

const schema = z.object({
  description: z.string(),
  sources: z.record(z.string(), z.string()),
  ossificationOnsetYears: z.object(Object.fromEntries(CENTRES.map((c) => [c, ageRange])) as Record<(typeof CENTRES)[number], typeof ageRange>),
  distalRadiusPhysis: z.object({
    closureYearsGirls: ageRange,
    closureYearsBoys: ageRange,
    closingYears: z.object({ value: z.number().positive(), source: z.string(), note: z.string().optional() }),
    areaMm2: z.object({
      mean: z.number().positive(),
      sd: z.number().positive(),
      range: z.tuple([z.number().positive(), z.number().positive()]),
      source: z.string(),
      note: z.string().optional(),
    }),
  }),
});

/** An age span, years, and its source in words. */
export interface PublishedAgeRange {
  readonly range: readonly [number, number];
  readonly source: string;
}

/** The file's measures, each source key replaced by the source's words. */
export type HandAnatomyMeasures = Omit<z.infer<typeof schema>, 'description' | 'sources'>;

/** The carpal bones in the order the file lists them. */
export const CARPAL_BONES = ['capitate', 'hamate', 'triquetrum', 'lunate', 'scaphoid', 'trapezium', 'trapezoid', 'pisiform'] as const;
export type CarpalBone = (typeof CARPAL_BONES)[number];

let cached: HandAnatomyMeasures | undefined;

/**
 * data/simulate/hand-anatomy.json: the published paediatric measurements the simulator's hand and
 * wrist are drawn from, each source resolved to words (a source key the file does not define, or
 * a range whose end comes before its start, is refused).
 */
export function loadHandAnatomyMeasures(): HandAnatomyMeasures {
  if (cached !== undefined) return cached;
  const file = packageDataPath('simulate', 'hand-anatomy.json');
  const raw = readValidatedJson(file, schema, 'hand anatomy measures');
  const words = (name: string, key: string): string => {
    const text = raw.sources[key];
    if (text === undefined)
      throw new OpenBmdError('MALFORMED', `hand anatomy measures: ${name} names the source '${key}', which sources does not define`, { file });
    return text;
  };
  const checkedRange = <T extends { range: [number, number]; source: string }>(entry: T, name: string): T => {
    if (!(entry.range[1] >= entry.range[0])) throw new OpenBmdError('MALFORMED', `hand anatomy measures: ${name}'s range ends before it starts`, { file });
    return { ...entry, source: words(name, entry.source) };
  };
  const onset = Object.fromEntries(
    Object.entries(raw.ossificationOnsetYears).map(([key, entry]) => [key, checkedRange(entry, `ossificationOnsetYears.${key}`)]),
  ) as HandAnatomyMeasures['ossificationOnsetYears'];
  const physis = raw.distalRadiusPhysis;
  cached = {
    ossificationOnsetYears: onset,
    distalRadiusPhysis: {
      closureYearsGirls: checkedRange(physis.closureYearsGirls, 'distalRadiusPhysis.closureYearsGirls'),
      closureYearsBoys: checkedRange(physis.closureYearsBoys, 'distalRadiusPhysis.closureYearsBoys'),
      closingYears: { ...physis.closingYears, source: words('distalRadiusPhysis.closingYears', physis.closingYears.source) },
      areaMm2: checkedRange(physis.areaMm2, 'distalRadiusPhysis.areaMm2'),
    },
  };
  return cached;
}

/** Where a child of maturity tempo `tempo` (0 earliest, 1 latest) falls in a published age span, years. */
export function ageInRange(range: readonly [number, number], tempo: number): number {
  return range[0] + Math.min(1, Math.max(0, tempo)) * (range[1] - range[0]);
}
