import type { ClinicalInterpretation } from '../../clinical/index.js';
import { BMD_CATEGORIES } from '../../clinical/index.js';
import type { LumbarAnalysis } from './analyze-lumbar.js';
import { refusingFlags } from './analyze-lumbar.js';
import type { LumbarModel } from './lumbar-model.js';

/** Where the numbers come from: the model, its training cohort and its cross-validation. */
export function lumbarProvenanceLines({ description: model }: Pick<LumbarModel, 'description'>): string[] {
  const t = model.trainingData;
  const cohort = `${t.simulated === true ? 'SIMULATED ' : ''}cohort of ${t.cases} studies (${t.description ?? t.cohort})`;
  return [`Model ${model.name} (${model.pipeline}, openbmd ${model.version}), trained on a ${cohort}`];
}

function tScoreText(i: ClinicalInterpretation | undefined): string {
  return i?.tScore === undefined ? '' : `, T = ${i.tScore.score.toFixed(1)}`;
}

/** The lines a reader sees first. A refused study shows why, and no number. */
export function lumbarSummaryLines(a: LumbarAnalysis): string[] {
  const refusing = refusingFlags(a.flags);
  const lines: string[] = [];
  if (refusing.length > 0 || a.prediction === undefined) {
    lines.push(`No aBMD reported (${refusing.join(', ') || 'not measured'}): ${a.notes.join('; ') || 'L1-L4 were not found'}`);
    return lines;
  }
  const p = a.prediction;
  lines.push(
    `Lumbar spine L1-L4 aBMD ${p.lumbarAbmdGPerCm2.toFixed(3)} g/cm2${tScoreText(a.interpretations.lumbar)}; femoral neck aBMD ${p.femneckAbmdGPerCm2.toFixed(3)} g/cm2${tScoreText(a.interpretations.femneck)} (estimated from the spine radiograph${a.used === undefined ? '' : `, ${a.used.variant.toUpperCase()}${a.used.covariates ? ' with age, sex and BMI' : ''}${a.used.networksAveraged > 1 ? `, the mean of ${a.used.networksAveraged} networks` : ''}`})`,
  );
  if (a.interpretation !== undefined) lines.push(a.interpretation.wording);
  lines.push(`Classifier (seed 004): ${BMD_CATEGORIES.map((c) => `${c} ${(100 * p.probabilities[c]).toFixed(0)} %`).join(', ')}`);
  if (a.referral !== undefined) lines.push(referralLine(a.referral));
  if (a.flags.length > 0) lines.push(`QC: ${a.flags.join(', ')}${a.notes.length > 0 ? ` (${a.notes.join('; ')})` : ''}`);
  return lines;
}

/** The screening flag in words, with the rule's out-of-fold sensitivity and specificity. */
function referralLine(r: NonNullable<LumbarAnalysis['referral']>): string {
  const rule = `p(osteoporosis) ${(100 * r.pOsteoporosis).toFixed(0)} % ${r.refer ? '>=' : '<'} ${(100 * r.rule.pOsteoporosisAtLeast).toFixed(0)} %, a threshold with ${(100 * r.rule.sensitivity).toFixed(0)} % sensitivity and ${(100 * r.rule.specificity).toFixed(0)} % specificity for DXA osteoporosis out of fold on the training cohort`;
  return `${r.refer ? 'Refer for DXA' : 'DXA referral not indicated by the classifier'} (${rule})`;
}

/** The lumbar part of result.json: the levels found on each view, their checks, the network used and its class probabilities. */
export function lumbarDetails(a: LumbarAnalysis): Record<string, unknown> {
  const views: Record<string, unknown> = {};
  for (const [view, location] of Object.entries(a.located.locations)) {
    const image = a.images[view as 'ap' | 'lat'];
    const pixelMm = image?.spacingMm[0] ?? Number.NaN;
    const box = (b: { x0: number; x1: number; y0: number; y1: number }) => ({
      xPx: [+b.x0.toFixed(1), +b.x1.toFixed(1)],
      yPx: [+b.y0.toFixed(1), +b.y1.toFixed(1)],
      widthMm: +((b.x1 - b.x0) * pixelMm).toFixed(1),
      heightMm: +((b.y1 - b.y0) * pixelMm).toFixed(1),
    });
    views[view] = {
      file: a.files[view as 'ap' | 'lat'] ?? null,
      bodies: location.bodies.map((b) => ({ level: b.level, ...box(b), confidence: location.confidence[b.level] ?? null })),
      seed004Rois: location.rois.map((r) => ({ level: r.level, ...box(r) })),
      checks: location.check.problems,
      notes: location.check.notes,
    };
  }
  return {
    views,
    network: a.used ?? null,
    classProbabilities: a.prediction?.probabilities ?? null,
    referral: a.referral ?? null,
    implantCheck: {
      assessed: a.implants.assessed,
      suspected: a.implants.suspected,
      largestBrightRegionMm2: +a.implants.largestBrightMm2.toFixed(0),
      largestClippedRegionMm2: +a.implants.largestClippedMm2.toFixed(0),
      largestNearTopRegionMm2: +a.implants.largestNearTopMm2.toFixed(0),
    },
    notes: a.notes,
  };
}
