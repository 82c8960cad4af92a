import { z } from 'zod';
import { readValidatedJson } from '../../core/read-validated-json.js';

/** DESIGN.md's forearm step-wedge description (`"kind": "step-wedge"`). */
export const stepWedgePhantomSchema = z.object({
  kind: z.literal('step-wedge'),
  steps: z.array(z.object({ thicknessMm: z.number().positive() })).min(2),
  stepLengthMm: z.number().positive(),
  widthMm: z.number().positive(),
  haMgPerCm3: z.number().positive(),
});

export type StepWedgePhantom = z.infer<typeof stepWedgePhantomSchema>;

export function readStepWedgePhantom(path: string): StepWedgePhantom {
  return readValidatedJson(path, stepWedgePhantomSchema, 'step-wedge phantom description');
}

export function wedgeLengthMm(phantom: StepWedgePhantom): number {
  return phantom.steps.length * phantom.stepLengthMm;
}
