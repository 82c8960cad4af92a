import { z } from 'zod';
import { readValidatedJson } from '../../core/read-validated-json.js';

/** DESIGN.md's CT calibration phantom description (`"kind": "ct-rods"`). */
export const ctRodPhantomSchema = z.object({
  kind: z.literal('ct-rods'),
  rods: z.array(z.object({ mgPerCm3: z.number().nonnegative() })).min(2),
  material: z.enum(['HA', 'K2HPO4']),
  rodDiameterMm: z.number().min(4).max(60),
});

export type CtRodPhantom = z.infer<typeof ctRodPhantomSchema>;

export function readCtRodPhantom(path: string): CtRodPhantom {
  return readValidatedJson(path, ctRodPhantomSchema, 'CT rod phantom description');
}
