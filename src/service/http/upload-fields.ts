import { z } from 'zod';
import { SITES } from '../../pipelines/registry.js';
import type { StudyRequestFields } from '../store/study-record.js';

const sideSchema = z.enum(['L', 'R', 'l', 'r', 'left', 'right']).transform((s): 'left' | 'right' => (s.toLowerCase().startsWith('l') ? 'left' : 'right'));

/** The optional fields of an upload (form fields or query parameters), checked before anything is stored. */
export const uploadFieldsSchema = z
  .object({
    site: z.enum(SITES).optional(),
    age: z.coerce.number().gt(0).lt(130).optional(),
    sex: z.enum(['F', 'M']).optional(),
    side: sideSchema.optional(),
  })
  .strip();

/** The upload's fields in the store's terms; throws zod's error (the route answers 400) when one is not valid. */
export function parseUploadFields(raw: Record<string, unknown>): StudyRequestFields {
  const blankless = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined));
  const f = uploadFieldsSchema.parse(blankless);
  return { site: f.site, ageYears: f.age, sex: f.sex, side: f.side };
}
