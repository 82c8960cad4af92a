import type { ClinicalInterpretation } from '../../clinical/index.js';
import type { DicomIdentity } from '../../io/dicom/write/dicom-identity.js';
import type { MeasurementGroup, MeasurementReportOptions, ReferencedImage, ReportedNumber } from '../../io/dicom/write/write-measurement-report.js';
import type { Code } from '../../io/dicom/write/write-segmentation.js';
import type { HipAnalysis, HipSideAnalysis } from './analyze-hip.js';
import { hipRefusingFlags } from './analyze-hip.js';
import { HIP_FIELD } from './radiograph/hip-field.js';

/** A source radiograph's UIDs, as the SR references it. */
export interface HipSourceImage extends ReferencedImage {
  seriesInstanceUid: string;
}

const LOCAL = (value: string, meaning: string): Code => ({ value, scheme: '99OPENBMD', meaning });
const G_PER_CM2: Code = { value: 'g/cm2', scheme: 'UCUM', meaning: 'gram per square centimeter' };
const MG_PER_CM3: Code = { value: 'mg/cm3', scheme: 'UCUM', meaning: 'milligram per cubic centimeter' };
const NO_UNITS: Code = { value: '1', scheme: 'UCUM', meaning: 'no units' };
const METHOD = LOCAL('HIP-BMDGAN', 'PF-DRR decomposed from the radiograph (seed 001, BMD-GAN)');
const SITE: Record<'left' | 'right', Code> = { left: LOCAL('PF-LEFT', 'Left proximal femur'), right: LOCAL('PF-RIGHT', 'Right proximal femur') };

function tScoreNumber(i: ClinicalInterpretation | undefined, concept: Code): ReportedNumber[] {
  return i?.tScore === undefined ? [] : [{ concept, value: i.tScore.score, unit: NO_UNITS }];
}

function sideNumbers(s: HipSideAnalysis): ReportedNumber[] {
  const e = s.estimates;
  return [
    ...(e.femneck_abmd === undefined
      ? []
      : [
          {
            concept: LOCAL('ABMD-FEMNECK', 'Estimated areal BMD of the femoral neck (DXA equivalent)'),
            value: e.femneck_abmd,
            unit: G_PER_CM2,
            method: METHOD,
          },
        ]),
    ...tScoreNumber(s.interpretations.femneck_abmd, LOCAL('TSCORE-FEMNECK', 'T-score of the estimated femoral-neck areal BMD')),
    ...(e.tothip_abmd === undefined
      ? []
      : [{ concept: LOCAL('ABMD-TOTHIP', 'Estimated areal BMD of the total hip (DXA equivalent)'), value: e.tothip_abmd, unit: G_PER_CM2, method: METHOD }]),
    ...tScoreNumber(s.interpretations.tothip_abmd, LOCAL('TSCORE-TOTHIP', 'T-score of the estimated total-hip areal BMD')),
    ...(e.hip_vbmd === undefined
      ? []
      : [
          { concept: LOCAL('VBMD-PF', 'Estimated volumetric BMD of the proximal femur (QCT equivalent)'), value: e.hip_vbmd, unit: MG_PER_CM3, method: METHOD },
        ]),
    { concept: LOCAL('PFDRR-MEAN', 'Mean of the decomposed proximal-femur DRR above the threshold'), value: s.feature.meanGPerCm2, unit: G_PER_CM2 },
  ];
}

/**
 * A hip analysis as a TID 1500 measurement report: per hip, the field the generator read (its
 * outline on the radiograph) with the estimates; the reported hip's figures as the summary.
 * Undefined when the study was refused or the radiograph lacks its UIDs.
 */
export function hipMeasurementReport(o: {
  analysis: HipAnalysis;
  source: HipSourceImage | undefined;
  identity: DicomIdentity;
  simulated: boolean;
  modelName: string;
}): MeasurementReportOptions | undefined {
  const a = o.analysis;
  if (hipRefusingFlags(a.flags).length > 0 || o.source === undefined) return undefined;
  const source = o.source;
  const groups: MeasurementGroup[] = [a.sides.left, a.sides.right].map((s) => {
    const p = s.placement;
    const corner = (fr: number, fc: number): [number, number] => {
      const along = fc - HIP_FIELD.columns / 2;
      // SCOORD puts the first pixel's corner at 0,0: field edges lie half a field pixel beyond the outer centres.
      return [p.centreColumnPx + 0.5 + (p.mirrored ? -along : along) * p.stepPx[1], p.centreRowPx + 0.5 + (fr - HIP_FIELD.rows / 2) * p.stepPx[0]];
    };
    return {
      trackingIdentifier: `${s.side} hip field read by the decomposition network`,
      findingSite: SITE[s.side],
      region: {
        kind: 'planar' as const,
        image: { sopClassUid: source.sopClassUid, sopInstanceUid: source.sopInstanceUid },
        polylinePx: [corner(0, 0), corner(0, HIP_FIELD.columns), corner(HIP_FIELD.rows, HIP_FIELD.columns), corner(HIP_FIELD.rows, 0)],
      },
      numbers: sideNumbers(s),
    };
  });
  return {
    identity: o.identity,
    seriesDescription: `openbmd hip BMD measurements${o.simulated ? ' (SIMULATED)' : ''}`,
    sourceSeries: [{ seriesInstanceUid: source.seriesInstanceUid, images: [{ sopClassUid: source.sopClassUid, sopInstanceUid: source.sopInstanceUid }] }],
    procedure: { value: '168537006', scheme: 'SCT', meaning: 'Plain radiography' },
    groups,
    summary: { trackingIdentifier: `the ${a.reported} hip, estimated from the radiograph by model ${o.modelName}`, numbers: sideNumbers(a.sides[a.reported]) },
    deviceObserverUid: '2.25.100000000000000000000000000000000005',
    deviceObserverName: 'openbmd hip',
  };
}
