import type { AuditLog } from '../store/audit-log.js';
import type { StudyStore } from '../store/study-store.js';
import type { JobEnd } from './analysis-process.js';

/**
 * Writes how an analysis ended into the store and the audit log: the outcome, the reason it
 * failed, or (a lost worker) the study queued again until maxAttempts starts have been used.
 * Returns whether the study was queued again.
 */
export function recordJobEnd(o: {
  store: StudyStore;
  audit: AuditLog;
  actor: string;
  attempts: number;
  maxAttempts: number;
  end: JobEnd;
  /** Called once the outcome of a finished study is stored (results go back to its PACS). */
  onDone: (studyId: string) => void;
}): boolean {
  const { store, end } = o;
  const note = (outcome: string): void => o.audit.append({ actor: o.actor, remote: null, action: 'analysis ended', studyId: end.studyId, outcome });
  switch (end.kind) {
    case 'done':
      store.finish(end.studyId, end.outcome);
      note(end.outcome.refused ? 'done (number refused)' : `done (${end.outcome.category ?? 'no category'})`);
      o.onDone(end.studyId);
      return false;
    case 'failed':
      store.fail(end.studyId, end.message);
      note(end.badInput ? 'failed: bad input' : 'failed: internal error');
      return false;
    case 'timed-out':
      store.fail(end.studyId, timedOutMessage(end.seconds));
      note('failed: timed out');
      return false;
    case 'lost':
      if (o.attempts < o.maxAttempts) {
        store.requeue(end.studyId);
        note(`worker lost (${end.why}); queued again`);
        return true;
      }
      store.fail(end.studyId, `the analysis stopped its worker process ${o.attempts} times (last: ${end.why})`);
      note('failed: worker lost');
      return false;
  }
}

export function timedOutMessage(seconds: number): string {
  return `the analysis took longer than ${seconds} s and was stopped`;
}
