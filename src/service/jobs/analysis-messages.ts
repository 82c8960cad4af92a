import type { StudyOutcome, StudyRequestFields } from '../store/study-record.js';

/** One analysis, as the queue hands it to a worker process. */
export interface AnalysisJob {
  studyId: string;
  /** The folder holding the upload's files. */
  inputDir: string;
  /** The stored file names in it, in upload order. */
  names: string[];
  /** Where the outputs go. */
  outDir: string;
  requested: StudyRequestFields;
}

export type AnalysisReply =
  | { kind: 'progress'; studyId: string; line: string }
  | { kind: 'done'; studyId: string; outcome: StudyOutcome }
  /** badInput: the study's data is at fault (the message says how), as opposed to openbmd failing. */
  | { kind: 'failed'; studyId: string; message: string; badInput: boolean };
