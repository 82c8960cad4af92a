import type { ServiceDatabase } from './service-database.js';
import type { StudyListIdentity, StudyOrigin, StudyOutcome, StudyRecord, StudyRequestFields, StudyStatus } from './study-record.js';

/** A row of the studies table as SQLite returns it. */
interface StudyRow {
  id: string;
  seq: number;
  created_at: string;
  updated_at: string;
  status: StudyStatus;
  requested: string;
  upload_names: string;
  patient_name: string | null;
  patient_id: string | null;
  study_date: string | null;
  study_uid: string | null;
  modality: string | null;
  site: string | null;
  category: string | null;
  qc_flags: string | null;
  refused: number | null;
  simulated: number | null;
  result: string | null;
  files: string | null;
  error: string | null;
  attempts: number;
  origin_study_uid: string | null;
  origin_series: string | null;
  pacs_stored: string | null;
}

export interface NewStudy {
  id: string;
  requested: StudyRequestFields;
  uploadNames: string[];
  identity: StudyListIdentity;
  origin: StudyOrigin;
  /** A study whose upload could not be taken in is stored failed at once, with the reason. */
  failure?: string;
}

export interface WorklistQuery {
  status?: StudyStatus | undefined;
  category?: string | undefined;
  /** Studies carrying this QC flag. */
  flag?: string | undefined;
  /** Studies of this patient (PatientID), oldest first, for a trend over visits. */
  patientId?: string | undefined;
  limit: number;
  offset: number;
}

export type StudyCounts = Record<StudyStatus, number>;

const now = (): string => new Date().toISOString();
const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function recordOf(row: StudyRow): StudyRecord {
  const requested = JSON.parse(row.requested) as StudyRequestFields;
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status,
    requested: {
      site: requested.site ?? undefined,
      ageYears: requested.ageYears ?? undefined,
      sex: requested.sex ?? undefined,
      side: requested.side ?? undefined,
    },
    uploadNames: JSON.parse(row.upload_names) as string[],
    identity: {
      patientName: orUndefined(row.patient_name),
      patientId: orUndefined(row.patient_id),
      studyDate: orUndefined(row.study_date),
      studyInstanceUid: orUndefined(row.study_uid),
      modality: orUndefined(row.modality),
    },
    outcome:
      row.status === 'done' && row.site !== null
        ? {
            site: row.site,
            category: row.category,
            qcFlags: JSON.parse(row.qc_flags ?? '[]') as string[],
            refused: row.refused === 1,
            simulated: row.simulated === 1,
            result: JSON.parse(row.result ?? 'null') as unknown,
            files: JSON.parse(row.files ?? '[]') as string[],
          }
        : undefined,
    error: orUndefined(row.error),
    attempts: row.attempts,
    origin:
      row.origin_study_uid === null
        ? { kind: 'upload' }
        : { kind: 'pacs', studyInstanceUid: row.origin_study_uid, seriesInstanceUids: JSON.parse(row.origin_series ?? '[]') as string[] },
    pacsStored: orUndefined(row.pacs_stored),
  };
}

/**
 * The studies table: the worklist and, in-process, the queue itself (queued rows are claimed in
 * upload order), so a queued study survives a restart and a burst of uploads waits on disk, not in
 * memory.
 */
export class StudyStore {
  readonly #db: ServiceDatabase;

  constructor(db: ServiceDatabase) {
    this.#db = db;
  }

  insert(s: NewStudy): StudyRecord {
    const at = now();
    const seq = (this.#db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM studies').get() as { next: number }).next;
    this.#db
      .prepare(
        `INSERT INTO studies (id, seq, created_at, updated_at, status, requested, upload_names, patient_name, patient_id, study_date, study_uid, modality, error,
           origin_study_uid, origin_series)
         VALUES (@id, @seq, @at, @at, @status, @requested, @uploadNames, @patientName, @patientId, @studyDate, @studyUid, @modality, @error,
           @originStudyUid, @originSeries)`,
      )
      .run({
        id: s.id,
        seq,
        at,
        status: s.failure === undefined ? 'queued' : 'failed',
        requested: JSON.stringify(s.requested),
        uploadNames: JSON.stringify(s.uploadNames),
        patientName: s.identity.patientName ?? null,
        patientId: s.identity.patientId ?? null,
        studyDate: s.identity.studyDate ?? null,
        studyUid: s.identity.studyInstanceUid ?? null,
        modality: s.identity.modality ?? null,
        error: s.failure ?? null,
        originStudyUid: s.origin.kind === 'pacs' ? s.origin.studyInstanceUid : null,
        originSeries: s.origin.kind === 'pacs' ? JSON.stringify(s.origin.seriesInstanceUids) : null,
      });
    return this.get(s.id)!;
  }

  get(id: string): StudyRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as StudyRow | undefined;
    return row === undefined ? undefined : recordOf(row);
  }

  list(q: WorklistQuery): { studies: StudyRecord[]; total: number } {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (q.status !== undefined) {
      where.push('status = @status');
      params['status'] = q.status;
    }
    if (q.category !== undefined) {
      where.push('category = @category');
      params['category'] = q.category;
    }
    if (q.flag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM json_each(studies.qc_flags) WHERE json_each.value = @flag)');
      params['flag'] = q.flag;
    }
    if (q.patientId !== undefined) {
      where.push('patient_id = @patientId');
      params['patientId'] = q.patientId;
    }
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const order = q.patientId === undefined ? 'seq DESC' : 'study_date ASC, seq ASC';
    const rows = this.#db
      .prepare(`SELECT * FROM studies ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as StudyRow[];
    const total = (this.#db.prepare(`SELECT COUNT(*) AS n FROM studies ${clause}`).get(params) as { n: number }).n;
    return { studies: rows.map(recordOf), total };
  }

  counts(): StudyCounts {
    const counts: StudyCounts = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const row of this.#db.prepare('SELECT status, COUNT(*) AS n FROM studies GROUP BY status').all() as { status: StudyStatus; n: number }[])
      counts[row.status] = row.n;
    return counts;
  }

  /** The oldest queued study, marked running (one statement, so two workers never take the same one). */
  claimNext(): StudyRecord | undefined {
    const row = this.#db
      .prepare(
        `UPDATE studies SET status = 'running', attempts = attempts + 1, updated_at = @at
         WHERE id = (SELECT id FROM studies WHERE status = 'queued' ORDER BY seq LIMIT 1) RETURNING *`,
      )
      .get({ at: now() }) as StudyRow | undefined;
    return row === undefined ? undefined : recordOf(row);
  }

  /** Marks one study running (a queue outside SQLite hands it over); false when it is not queued or running. */
  markRunning(id: string): boolean {
    const r = this.#db
      .prepare(`UPDATE studies SET status = 'running', attempts = attempts + 1, updated_at = @at WHERE id = @id AND status IN ('queued', 'running')`)
      .run({ id, at: now() });
    return r.changes === 1;
  }

  /** Studies left running by a server that stopped go back to the queue; returns how many. */
  requeueRunning(): number {
    return this.#db.prepare(`UPDATE studies SET status = 'queued', updated_at = @at WHERE status = 'running'`).run({ at: now() }).changes;
  }

  requeue(id: string): void {
    this.#db.prepare(`UPDATE studies SET status = 'queued', updated_at = @at WHERE id = @id`).run({ id, at: now() });
  }

  finish(id: string, o: StudyOutcome): void {
    this.#db
      .prepare(
        `UPDATE studies SET status = 'done', updated_at = @at, site = @site, category = @category, qc_flags = @qcFlags, refused = @refused,
         simulated = @simulated, result = @result, files = @files, error = NULL WHERE id = @id`,
      )
      .run({
        id,
        at: now(),
        site: o.site,
        category: o.category,
        qcFlags: JSON.stringify(o.qcFlags),
        refused: o.refused ? 1 : 0,
        simulated: o.simulated ? 1 : 0,
        result: JSON.stringify(o.result),
        files: JSON.stringify(o.files),
      });
  }

  /** Studies pulled from this PACS study, oldest first. */
  fromPacsStudy(studyInstanceUid: string): StudyRecord[] {
    return (this.#db.prepare('SELECT * FROM studies WHERE origin_study_uid = ? ORDER BY seq').all(studyInstanceUid) as StudyRow[]).map(recordOf);
  }

  setPacsStored(id: string, words: string): void {
    this.#db.prepare('UPDATE studies SET pacs_stored = @words WHERE id = @id').run({ id, words });
  }

  fail(id: string, message: string): void {
    this.#db.prepare(`UPDATE studies SET status = 'failed', updated_at = @at, error = @message WHERE id = @id`).run({ id, at: now(), message });
  }
}
