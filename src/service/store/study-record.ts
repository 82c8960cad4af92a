/** The states of a study in the worklist, in the order it passes through them. */
export const STUDY_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

/** What the uploader asked for besides the images (form fields or query parameters). */
export interface StudyRequestFields {
  site: string | undefined;
  ageYears: number | undefined;
  sex: 'F' | 'M' | undefined;
  side: 'left' | 'right' | undefined;
}

/** Who and which study the upload is, read from its first DICOM file for the worklist (every field may be absent). */
export interface StudyListIdentity {
  patientName: string | undefined;
  patientId: string | undefined;
  studyDate: string | undefined;
  studyInstanceUid: string | undefined;
  modality: string | undefined;
}

/** What an analysis left: the result envelope's worklist fields and the output files, by name. */
export interface StudyOutcome {
  site: string;
  category: string | null;
  qcFlags: string[];
  refused: boolean;
  simulated: boolean;
  /** result.json as written (the envelope). */
  result: unknown;
  /** Output file names in the study's output folder. */
  files: string[];
}

/** Where a study's images came from: an upload, or a PACS study (and which of its series) pulled over DICOMweb. */
export type StudyOrigin = { kind: 'upload' } | { kind: 'pacs'; studyInstanceUid: string; seriesInstanceUids: string[] };

/** One study as the store holds it. */
export interface StudyRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: StudyStatus;
  requested: StudyRequestFields;
  /** The uploaded files' names as stored (sanitised), in upload order. */
  uploadNames: string[];
  identity: StudyListIdentity;
  outcome: StudyOutcome | undefined;
  /** Why the study failed, in words; undefined unless failed. */
  error: string | undefined;
  /** How many times an analysis of it was started. */
  attempts: number;
  origin: StudyOrigin;
  /** For a PACS study: whether its SR, SEG and Secondary Capture were stored back, in words. */
  pacsStored: string | undefined;
}
