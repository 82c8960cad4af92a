/** A row or value that could not be used, reported with where it is; never silently dropped. */
export interface DataProblem {
  file: string;
  line: number;
  caseId: string;
  column?: string | undefined;
  problem: string;
}
