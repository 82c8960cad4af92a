import type { ClinicalInterpretation } from '../../clinical/index.js';
import type { DicomIdentity } from '../../io/dicom/write/dicom-identity.js';
import type { MeasurementGroup, MeasurementReportOptions, ReferencedImage, ReportedNumber } from '../../io/dicom/write/write-measurement-report.js';
import type { Code } from '../../io/dicom/write/write-segmentation.js';
import type { LumbarAnalysis } from './analyze-lumbar.js';
import { refusingFlags } from './analyze-lumbar.js';
import type { LocatorLevel, LumbarView } from './lumbar-networks.js';

/** A source radiograph's UIDs, as the SR references it. */
export interface LumbarSourceImage extends ReferencedImage {
  seriesInstanceUid: string;
}

/** SNOMED CT codes of the vertebrae (DICOM's anatomic codes, as its segmentation examples use them). */
const VERTEBRA_CODES: Record<LocatorLevel, Code> = {
  T12: { value: '23215003', scheme: 'SCT', meaning: 'T12 vertebra' },
  L1: { value: '66794005', scheme: 'SCT', meaning: 'L1 vertebra' },
  L2: { value: '14293000', scheme: 'SCT', meaning: 'L2 vertebra' },
  L3: { value: '36470004', scheme: 'SCT', meaning: 'L3 vertebra' },
  L4: { value: '11994002', scheme: 'SCT', meaning: 'L4 vertebra' },
  L5: { value: '49668003', scheme: 'SCT', meaning: 'L5 vertebra' },
};
const LOCAL = (value: string, meaning: string): Code => ({ value, scheme: '99OPENBMD', meaning });
const MM: Code = { value: 'mm', scheme: 'UCUM', meaning: 'millimeter' };
const G_PER_CM2: Code = { value: 'g/cm2', scheme: 'UCUM', meaning: 'gram per square centimeter' };
const NO_UNITS: Code = { value: '1', scheme: 'UCUM', meaning: 'no units' };
const WIDTH: Code = { value: '103355008', scheme: 'SCT', meaning: 'Width' };
const HEIGHT: Code = { value: '121207', scheme: 'DCM', meaning: 'Height' };
const NETWORK_METHOD = LOCAL('LUMBAR-DENSENET', 'DenseNet-BC on lumbar L1-L4 ROIs (seeds 003/004)');

function tScoreNumber(i: ClinicalInterpretation | undefined, concept: Code): ReportedNumber[] {
  return i?.tScore === undefined ? [] : [{ concept, value: i.tScore.score, unit: NO_UNITS }];
}

/**
 * A lumbar analysis as a TID 1500 measurement report: per view and level the vertebral body the
 * locator found (its outline on the radiograph, TID 1410, with its projected width and height), and
 * the study's estimated L1-L4 and femoral-neck aBMD with their T-scores. Undefined when the study
 * was refused or a source image lacks its UIDs (an SR may only reference images that exist).
 */
export function lumbarMeasurementReport(o: {
  analysis: LumbarAnalysis;
  sources: Partial<Record<LumbarView, LumbarSourceImage>>;
  identity: DicomIdentity;
  simulated: boolean;
  modelName: string;
}): MeasurementReportOptions | undefined {
  const a = o.analysis;
  if (refusingFlags(a.flags).length > 0 || a.prediction === undefined) return undefined;
  const views = (['ap', 'lat'] as const).filter((v) => a.located.locations[v] !== undefined);
  if (views.some((v) => o.sources[v] === undefined)) return undefined;
  const groups: MeasurementGroup[] = views.flatMap((view) => {
    const location = a.located.locations[view]!;
    const image = o.sources[view]!;
    const spacing = a.images[view]!.spacingMm;
    return location.bodies.map((body) => {
      // Box edges lie on pixel borders around centres at integer indices; SCOORD puts the first pixel's corner at 0,0.
      const [x0, x1, y0, y1] = [body.x0 + 0.5, body.x1 + 0.5, body.y0 + 0.5, body.y1 + 0.5];
      return {
        trackingIdentifier: `${body.level} vertebral body, ${view === 'ap' ? 'AP' : 'lateral'} view`,
        findingSite: VERTEBRA_CODES[body.level],
        region: {
          kind: 'planar' as const,
          image: { sopClassUid: image.sopClassUid, sopInstanceUid: image.sopInstanceUid },
          polylinePx: [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
          ],
        },
        numbers: [
          { concept: WIDTH, value: (body.x1 - body.x0) * spacing[0], unit: MM },
          { concept: HEIGHT, value: (body.y1 - body.y0) * spacing[1], unit: MM },
        ],
      };
    });
  });
  const p = a.prediction;
  const bySeries = new Map<string, ReferencedImage[]>();
  for (const view of views) {
    const s = o.sources[view]!;
    bySeries.set(s.seriesInstanceUid, [...(bySeries.get(s.seriesInstanceUid) ?? []), { sopClassUid: s.sopClassUid, sopInstanceUid: s.sopInstanceUid }]);
  }
  return {
    identity: o.identity,
    seriesDescription: `openbmd lumbar aBMD measurements${o.simulated ? ' (SIMULATED)' : ''}`,
    sourceSeries: [...bySeries].map(([seriesInstanceUid, images]) => ({ seriesInstanceUid, images })),
    procedure: { value: '168537006', scheme: 'SCT', meaning: 'Plain radiography' },
    groups,
    summary: {
      trackingIdentifier: `estimated from the ${a.used?.variant.toUpperCase() ?? 'AP'} lumbar radiographs by model ${o.modelName}`,
      numbers: [
        { concept: LOCAL('ABMD-L1L4', 'Estimated areal BMD of L1-L4 (DXA equivalent)'), value: p.lumbarAbmdGPerCm2, unit: G_PER_CM2, method: NETWORK_METHOD },
        ...tScoreNumber(a.interpretations.lumbar, LOCAL('TSCORE-L1L4', 'T-score of the estimated L1-L4 areal BMD')),
        {
          concept: LOCAL('ABMD-FEMNECK', 'Estimated areal BMD of the femoral neck (DXA equivalent)'),
          value: p.femneckAbmdGPerCm2,
          unit: G_PER_CM2,
          method: NETWORK_METHOD,
        },
        ...tScoreNumber(a.interpretations.femneck, LOCAL('TSCORE-FEMNECK', 'T-score of the estimated femoral-neck areal BMD')),
      ],
    },
    deviceObserverUid: '2.25.100000000000000000000000000000000002',
    deviceObserverName: 'openbmd lumbar',
  };
}
