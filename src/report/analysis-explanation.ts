import type { ClinicalInterpretation } from '../clinical/interpret-measurement.js';
import type { MeasurementColumn } from '../clinical/measurement-columns.js';
import type { MeasurementReportOptions } from '../io/dicom/write/write-measurement-report.js';
import type { SegmentationOptions } from '../io/dicom/write/write-segmentation.js';

/** One measured value of an analysis. */
export interface MeasuredValue {
  column: MeasurementColumn;
  /** null when the pipeline could not give a number (a refusing QC flag says why). */
  value: number | null;
  unit: 'g/cm2' | 'mg/cm3';
  /** How the value was obtained (the method and its variant). */
  method: string;
}

/** What an analysis says in the result envelope, the same for every pipeline. */
export interface AnalysisSummary {
  measurements: MeasuredValue[];
  interpretation: ClinicalInterpretation | null;
  qcFlags: readonly string[];
  /** Pipeline-specific detail (calibration, ROIs, levels), JSON-ready. */
  details: Record<string, unknown>;
}

/** An overlay as packed 8-bit RGB, rows top first (the PNG and the Secondary Capture are made from it when written). */
export interface RenderedOverlay {
  rgb: Uint8Array;
  columns: number;
  rows: number;
}

/** What explains an analysis to its reader: lines, the overlay, and the DICOM objects beside it. */
export interface Explanation {
  /** Title of the report page. */
  title: string;
  /** The lines a reader sees first (printed, on the overlay, in the PDF). */
  summary: string[];
  clinicalNotes: string[];
  /** Where the numbers come from (model, tables, cohort). */
  provenance: string[];
  overlay: RenderedOverlay;
  secondaryCapture: { seriesDescription: string; derivationDescription: string };
  /** A DICOM SEG of the masks, where the pipeline has masks. */
  segmentation?: SegmentationOptions;
  /** A DICOM SR (TID 1500), where the pipeline has measurements of segmented regions; it references the SEG. */
  measurementReport?: MeasurementReportOptions;
}

/** The banner every output of a SIMULATED input carries. */
export function simulatedBanner(simulated: boolean): string | undefined {
  return simulated ? 'SIMULATED input: not clinical evidence' : undefined;
}
