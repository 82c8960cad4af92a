import { z } from 'zod';
import { packageDataPath } from '../core/package-paths.js';
import { readValidatedJson } from '../core/read-validated-json.js';

const categoryRulesSchema = z.object({
  who: z.object({
    source: z.string(),
    minimumAgeYears: z.number(),
    reportedTScoreDecimals: z.number().int().min(0),
    reportedTScoreNote: z.string(),
    osteoporosisAtOrBelowT: z.number(),
    normalAtOrAboveT: z.number(),
  }),
  acrQct: z.object({
    source: z.string(),
    unit: z.literal('mg/cm3'),
    osteoporosisBelow: z.number(),
    normalAbove: z.number(),
  }),
  iscdPediatric: z.object({
    source: z.string(),
    lowForAgeAtOrBelowZ: z.number(),
    maximumAgeYears: z.number(),
  }),
  iscdPremenopausal: z.object({
    source: z.string(),
    belowExpectedAtOrBelowZ: z.number(),
  }),
});

const referenceSelectionSchema = z.object({
  source: z.string(),
  tScoreTables: z.record(z.string(), z.string().nullable()),
  pediatricTables: z.record(z.string(), z.string().nullable()),
  pediatricNote: z.string(),
});

export type CategoryRules = z.infer<typeof categoryRulesSchema>;
export type ReferenceSelection = z.infer<typeof referenceSelectionSchema>;

export function loadCategoryRules(path = packageDataPath('clinical', 'category-rules.json')): CategoryRules {
  return readValidatedJson(path, categoryRulesSchema, 'category rules');
}

export function loadReferenceSelection(path = packageDataPath('clinical', 'reference-selection.json')): ReferenceSelection {
  return readValidatedJson(path, referenceSelectionSchema, 'reference selection');
}
