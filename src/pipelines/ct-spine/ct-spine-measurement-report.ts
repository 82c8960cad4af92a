import type { MeasurementReportOptions, ReportedNumber } from '../../io/dicom/write/write-measurement-report.js';
import type { Code } from '../../io/dicom/write/write-segmentation.js';
import { SEGMENTATION_STORAGE } from '../../io/dicom/write/write-segmentation.js';
import { newDicomUid } from '../../io/dicom/write/dicom-uid.js';
import type { CtSpineAnalysis, ReportedMethod } from './analyze-ct-spine.js';
import type { WrittenSegmentation } from './ct-spine-segmentation-object.js';
import { SNOMED_LEVEL_CODES } from './ct-spine-segmentation-object.js';
import { VBMD_METHODS } from './measure-ct-spine.js';

/** openbmd's local codes (DICOM private coding scheme "99OPENBMD") for what standard terminologies lack. */
const LOCAL = (value: string, meaning: string): Code => ({ value, scheme: '99OPENBMD', meaning });
const VBMD = LOCAL('VBMD-TRAB', 'Trabecular volumetric bone mineral density');
const MG_PER_CM3: Code = { value: 'mg/cm3', scheme: 'UCUM', meaning: 'milligram per cubic centimeter' };
const METHODS: Record<ReportedMethod, Code> = {
  rods: LOCAL('CAL-RODS', 'Calibration rods in the field, recalibrated to reference QCT'),
  phantomless: LOCAL('CAL-AIRFATMUSCLE', 'Phantomless air/fat/muscle calibration, recalibrated to QCT'),
  densenet: LOCAL('DENSENET-3D', '3-D DenseNet regression, recalibrated to reference QCT'),
};

/** The analysis as a TID 1500 measurement report: per level its volume, mean HU and vBMD per method (segments of the SEG), and the reported mean. */
export function ctSpineMeasurementReport(a: CtSpineAnalysis, seg: WrittenSegmentation, simulated: boolean): MeasurementReportOptions {
  const info = a.series.info;
  const groups = a.measurement.levels.flatMap((l) => {
    const segmentNumber = seg.segmentNumbers[l.level];
    if (segmentNumber === undefined) return [];
    const numbers: ReportedNumber[] = [
      {
        concept: { value: '118565006', scheme: 'SCT', meaning: 'Volume' },
        value: l.cancellousMm3 / 1000,
        unit: { value: 'cm3', scheme: 'UCUM', meaning: 'cubic centimeter' },
      },
    ];
    if (l.segmentedMeanHu !== null)
      numbers.push({
        concept: { value: '112031', scheme: 'DCM', meaning: 'Attenuation Coefficient' },
        value: l.segmentedMeanHu,
        unit: { value: "[hnsf'U]", scheme: 'UCUM', meaning: 'Hounsfield unit' },
      });
    for (const method of VBMD_METHODS) {
      const v = a.levelVbmd[l.level][method];
      if (v !== null) numbers.push({ concept: VBMD, value: v, unit: MG_PER_CM3, method: METHODS[method] });
    }
    return [
      {
        trackingIdentifier: `${l.level} cancellous bone`,
        findingSite: SNOMED_LEVEL_CODES[l.level],
        region: { kind: 'segment' as const, segmentNumber },
        numbers,
      },
    ];
  });
  return {
    identity: info.identity,
    seriesDescription: `openbmd spine vBMD measurements${simulated ? ' (SIMULATED)' : ''}`,
    segmentation: { sopClassUid: SEGMENTATION_STORAGE, sopInstanceUid: seg.sopInstanceUid, seriesInstanceUid: seg.seriesInstanceUid },
    sourceSeries: [
      {
        seriesInstanceUid: info.seriesInstanceUid ?? newDicomUid(),
        images: info.sliceSopInstanceUids
          .filter((u): u is string => u !== undefined)
          .map((sopInstanceUid) => ({ sopClassUid: info.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid })),
      },
    ],
    procedure: { value: '77477000', scheme: 'SCT', meaning: 'Computerized axial tomography' },
    groups,
    summary:
      a.vbmd === null
        ? undefined
        : {
            trackingIdentifier: `mean of ${a.reported!.levels.join(' and ')}`,
            numbers: [{ concept: VBMD, value: a.vbmd.mgPerCm3, unit: MG_PER_CM3, method: METHODS[a.vbmd.method] }],
          },
    deviceObserverUid: '2.25.100000000000000000000000000000000001',
    deviceObserverName: 'openbmd ct-spine',
  };
}
