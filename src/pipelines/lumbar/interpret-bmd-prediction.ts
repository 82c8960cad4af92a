import type { ClinicalInterpretation, ClinicalKnowledge, Person } from '../../clinical/index.js';
import { interpretMeasurement, lowestTScoreCategory } from '../../clinical/index.js';
import type { BmdPrediction } from './bmd-network-io.js';

export interface BmdInterpretations {
  lumbar: ClinicalInterpretation;
  femneck: ClinicalInterpretation;
  /** The lower of the two T-scores' WHO reading (ISCD); undefined when neither has a WHO T-score. */
  lowest: ClinicalInterpretation | undefined;
}

/** Both predicted aBMDs read by the clinical rules, and the one whose T-score is lower. */
export function interpretBmdPrediction(knowledge: ClinicalKnowledge, p: BmdPrediction, person: Person): BmdInterpretations {
  const lumbar = interpretMeasurement(knowledge, 'lumbar_abmd', p.lumbarAbmdGPerCm2, person);
  const femneck = interpretMeasurement(knowledge, 'femneck_abmd', p.femneckAbmdGPerCm2, person);
  return { lumbar, femneck, lowest: lowestTScoreCategory([lumbar, femneck]) };
}
