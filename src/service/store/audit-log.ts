import type { ServiceDatabase } from './service-database.js';

/** One line of the audit log: who did what to which study, when, and how it ended. */
export interface AuditEntry {
  at: string;
  /** 'token:<fingerprint>' for a bearer token, 'loopback' without one, 'worker' for the queue's own steps. */
  actor: string;
  /** The client's address; null for the queue's own steps. */
  remote: string | null;
  /** What was done: 'POST /api/studies', 'analysis started', ... */
  action: string;
  studyId: string | null;
  /** HTTP status or the step's outcome. */
  outcome: string | null;
}

/** The audit log, append-only, in the service's SQLite file beside the studies. */
export class AuditLog {
  readonly #db: ServiceDatabase;

  constructor(db: ServiceDatabase) {
    this.#db = db;
  }

  append(e: Omit<AuditEntry, 'at'>): void {
    this.#db
      .prepare('INSERT INTO audit (at, actor, remote, action, study_id, outcome) VALUES (@at, @actor, @remote, @action, @studyId, @outcome)')
      .run({ at: new Date().toISOString(), ...e });
  }

  /** The newest entries first. */
  recent(o: { limit: number; studyId?: string | undefined }): AuditEntry[] {
    const rows = (
      o.studyId === undefined
        ? this.#db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ?').all(o.limit)
        : this.#db.prepare('SELECT * FROM audit WHERE study_id = ? ORDER BY seq DESC LIMIT ?').all(o.studyId, o.limit)
    ) as { at: string; actor: string; remote: string | null; action: string; study_id: string | null; outcome: string | null }[];
    return rows.map((r) => ({ at: r.at, actor: r.actor, remote: r.remote, action: r.action, studyId: r.study_id, outcome: r.outcome }));
  }
}
