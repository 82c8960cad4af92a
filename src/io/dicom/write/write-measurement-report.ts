import { OpenBmdError } from '../../../core/errors.js';
import type { DicomIdentity } from './dicom-identity.js';
import { newDicomUid } from './dicom-uid.js';
import type { Code } from './write-segmentation.js';
import { commonModules, writeDicomDataset } from './write-dicom-dataset.js';

export const ENHANCED_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.22';

/** One number of a measurement group, with its UCUM unit. */
export interface ReportedNumber {
  concept: Code;
  value: number;
  unit: Code;
  /** Method, e.g. which calibration gave it (a HAS CONCEPT MOD on the number). */
  method?: Code;
}

/** An image the report measured, as the SR references it. */
export interface ReferencedImage {
  sopClassUid: string;
  sopInstanceUid: string;
}

/**
 * Where a group's numbers were measured: a segment of the SEG (TID 1411, volumetric) or a closed
 * polyline on one source image (TID 1410, planar; column/row in pixels, 0,0 the top-left corner of
 * the first pixel as DICOM's SCOORD has it).
 */
export type MeasuredRegion =
  { kind: 'segment'; segmentNumber: number } | { kind: 'planar'; image: ReferencedImage; polylinePx: readonly (readonly [number, number])[] };

/** One measurement group: a tracked region and its numbers. */
export interface MeasurementGroup {
  trackingIdentifier: string;
  findingSite: Code;
  region: MeasuredRegion;
  numbers: ReportedNumber[];
}

export interface MeasurementReportOptions {
  identity: DicomIdentity;
  seriesDescription: string;
  /** The SEG the groups' segments are in; needed only by segment regions. */
  segmentation?: { sopClassUid: string; sopInstanceUid: string; seriesInstanceUid: string };
  /** The measured images by series (the first is the series a SEG segments). */
  sourceSeries: { seriesInstanceUid: string; images: ReferencedImage[] }[];
  procedure: Code;
  groups: MeasurementGroup[];
  /** Study-level numbers (a reported mean), in their own group without a segment. */
  summary: { trackingIdentifier: string; numbers: ReportedNumber[] } | undefined;
  deviceObserverUid: string;
  deviceObserverName: string;
}

const code = (c: Code): Record<string, string> => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });
const DCM = (value: string, meaning: string): Code => ({ value, scheme: 'DCM', meaning });

function item(relationship: string, valueType: string, concept: Code, value: Record<string, unknown> = {}): Record<string, unknown> {
  return { RelationshipType: relationship, ValueType: valueType, ConceptNameCodeSequence: [code(concept)], ...value };
}

function numberItem(n: ReportedNumber): Record<string, unknown> {
  const measured = item('CONTAINS', 'NUM', n.concept, {
    MeasuredValueSequence: [{ NumericValue: Number(n.value.toPrecision(7)), MeasurementUnitsCodeSequence: [code(n.unit)] }],
  });
  if (n.method !== undefined)
    measured['ContentSequence'] = [
      item('HAS CONCEPT MOD', 'CODE', { value: '370129005', scheme: 'SCT', meaning: 'Measurement Method' }, { ConceptCodeSequence: [code(n.method)] }),
    ];
  return measured;
}

/** The content items saying where a group was measured. */
function regionItems(region: MeasuredRegion, o: MeasurementReportOptions): Record<string, unknown>[] {
  if (region.kind === 'planar') {
    const points = [...region.polylinePx];
    const first = points[0];
    // A closed polyline repeats its first point (PS3.3 C.18.6.1.2).
    if (first !== undefined && (points.at(-1)![0] !== first[0] || points.at(-1)![1] !== first[1])) points.push(first);
    return [
      item('CONTAINS', 'SCOORD', DCM('111030', 'Image Region'), {
        GraphicType: 'POLYLINE',
        GraphicData: points.flatMap(([column, row]) => [column, row]),
        ContentSequence: [
          {
            RelationshipType: 'SELECTED FROM',
            ValueType: 'IMAGE',
            ReferencedSOPSequence: [{ ReferencedSOPClassUID: region.image.sopClassUid, ReferencedSOPInstanceUID: region.image.sopInstanceUid }],
          },
        ],
      }),
    ];
  }
  if (o.segmentation === undefined) throw new OpenBmdError('INTERNAL', 'a measurement group refers to a segment but the report has no segmentation');
  return [
    item('CONTAINS', 'IMAGE', DCM('121191', 'Referenced Segment'), {
      ReferencedSOPSequence: [
        {
          ReferencedSOPClassUID: o.segmentation.sopClassUid,
          ReferencedSOPInstanceUID: o.segmentation.sopInstanceUid,
          ReferencedSegmentNumber: region.segmentNumber,
        },
      ],
    }),
    item('CONTAINS', 'UIDREF', DCM('121232', 'Source series for segmentation'), { UID: o.sourceSeries[0]?.seriesInstanceUid ?? newDicomUid() }),
  ];
}

/**
 * Writes a DICOM Enhanced SR Imaging Measurement Report (TID 1500): language, observer (the
 * device), procedure, an image library of the source images, and one measurement group per
 * measured region (TID 1411 for a segment of a SEG, TID 1410 for a polyline on an image) with its
 * numbers, plus a group for study-level numbers.
 */
export async function writeMeasurementReport(file: string, o: MeasurementReportOptions): Promise<void> {
  const library = item('CONTAINS', 'CONTAINER', DCM('111028', 'Image Library'), {
    ContinuityOfContent: 'SEPARATE',
    ContentSequence: [
      item('CONTAINS', 'CONTAINER', DCM('126200', 'Image Library Group'), {
        ContinuityOfContent: 'SEPARATE',
        ContentSequence: o.sourceSeries
          .flatMap((series) => series.images)
          .map((s) => ({
            RelationshipType: 'CONTAINS',
            ValueType: 'IMAGE',
            ReferencedSOPSequence: [{ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid }],
          })),
      }),
    ],
  });
  const groups = o.groups.map((g) =>
    item('CONTAINS', 'CONTAINER', DCM('125007', 'Measurement Group'), {
      ContinuityOfContent: 'SEPARATE',
      ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: g.region.kind === 'segment' ? '1411' : '1410' }],
      ContentSequence: [
        item('HAS OBS CONTEXT', 'TEXT', DCM('112039', 'Tracking Identifier'), { TextValue: g.trackingIdentifier }),
        item('HAS OBS CONTEXT', 'UIDREF', DCM('112040', 'Tracking Unique Identifier'), { UID: newDicomUid() }),
        ...regionItems(g.region, o),
        item('HAS CONCEPT MOD', 'CODE', { value: '363698007', scheme: 'SCT', meaning: 'Finding Site' }, { ConceptCodeSequence: [code(g.findingSite)] }),
        ...g.numbers.map(numberItem),
      ],
    }),
  );
  if (o.summary !== undefined) {
    groups.push(
      item('CONTAINS', 'CONTAINER', DCM('125007', 'Measurement Group'), {
        ContinuityOfContent: 'SEPARATE',
        ContentSequence: [
          item('HAS OBS CONTEXT', 'TEXT', DCM('112039', 'Tracking Identifier'), { TextValue: o.summary.trackingIdentifier }),
          item('HAS OBS CONTEXT', 'UIDREF', DCM('112040', 'Tracking Unique Identifier'), { UID: newDicomUid() }),
          ...o.summary.numbers.map(numberItem),
        ],
      }),
    );
  }
  const content = [
    item('HAS CONCEPT MOD', 'CODE', DCM('121049', 'Language of Content Item and Descendants'), {
      ConceptCodeSequence: [{ CodeValue: 'eng', CodingSchemeDesignator: 'RFC5646', CodeMeaning: 'English' }],
    }),
    item('HAS OBS CONTEXT', 'CODE', DCM('121005', 'Observer Type'), { ConceptCodeSequence: [code(DCM('121007', 'Device'))] }),
    item('HAS OBS CONTEXT', 'UIDREF', DCM('121012', 'Device Observer UID'), { UID: o.deviceObserverUid }),
    item('HAS OBS CONTEXT', 'TEXT', DCM('121013', 'Device Observer Name'), { TextValue: o.deviceObserverName }),
    item('HAS CONCEPT MOD', 'CODE', DCM('121058', 'Procedure reported'), { ConceptCodeSequence: [code(o.procedure)] }),
    library,
    item('CONTAINS', 'CONTAINER', DCM('126010', 'Imaging Measurements'), { ContinuityOfContent: 'SEPARATE', ContentSequence: groups }),
  ];
  const base = commonModules({ identity: o.identity, sopClassUid: ENHANCED_SR_STORAGE, modality: 'SR', seriesDescription: o.seriesDescription });
  delete base['Laterality'];
  const evidence = o.sourceSeries.map((series) => ({
    SeriesInstanceUID: series.seriesInstanceUid,
    ReferencedSOPSequence: series.images.map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })),
  }));
  if (o.segmentation !== undefined)
    evidence.push({
      SeriesInstanceUID: o.segmentation.seriesInstanceUid,
      ReferencedSOPSequence: [{ ReferencedSOPClassUID: o.segmentation.sopClassUid, ReferencedSOPInstanceUID: o.segmentation.sopInstanceUid }],
    });
  const dataset: Record<string, unknown> = {
    ...base,
    ReferencedPerformedProcedureStepSequence: [],
    PerformedProcedureCodeSequence: [],
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    CurrentRequestedProcedureEvidenceSequence: [{ StudyInstanceUID: base['StudyInstanceUID'], ReferencedSeriesSequence: evidence }],
    // The private scheme of the local codes, declared as DICOM asks of a 99-prefixed designator.
    CodingSchemeIdentificationSequence: [
      { CodingSchemeDesignator: '99OPENBMD', CodingSchemeName: 'openbmd local codes', CodingSchemeResponsibleOrganization: 'openbmd' },
    ],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [code(DCM('126000', 'Imaging Measurement Report'))],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    ContentSequence: content,
  };
  await writeDicomDataset(file, dataset);
}
