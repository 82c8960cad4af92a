import Database from 'better-sqlite3';
import { OpenBmdError, describeThrown } from '../../core/errors.js';

export type ServiceDatabase = Database.Database;

const SCHEMA_1 = `
CREATE TABLE IF NOT EXISTS studies (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  requested TEXT NOT NULL,
  upload_names TEXT NOT NULL,
  patient_name TEXT,
  patient_id TEXT,
  study_date TEXT,
  study_uid TEXT,
  modality TEXT,
  site TEXT,
  category TEXT,
  qc_flags TEXT,
  refused INTEGER,
  simulated INTEGER,
  result TEXT,
  files TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS studies_status_seq ON studies (status, seq);
CREATE INDEX IF NOT EXISTS studies_patient ON studies (patient_id, study_date);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  remote TEXT,
  action TEXT NOT NULL,
  study_id TEXT,
  outcome TEXT
);
`;

/** Version 2: where a study came from when a PACS sent it, and whether its results went back. */
const SCHEMA_2 = `
ALTER TABLE studies ADD COLUMN origin_study_uid TEXT;
ALTER TABLE studies ADD COLUMN origin_series TEXT;
ALTER TABLE studies ADD COLUMN pacs_stored TEXT;
CREATE INDEX IF NOT EXISTS studies_origin ON studies (origin_study_uid);
`;

/** Each step takes the store from the version before it to its own (SQLite's user_version). */
const MIGRATIONS = [SCHEMA_1, SCHEMA_2];
/** A newer file than this code is refused rather than misread. */
const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The service's SQLite file (studies and the audit log), created on first use. WAL so the worklist
 * reads while a result is written; a busy timeout so a second process on the same file waits.
 */
export function openServiceDatabase(file: string): ServiceDatabase {
  let db: ServiceDatabase;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (thrown) {
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot be opened as the service's SQLite store (${describeThrown(thrown)})`, { file });
  }
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new OpenBmdError('UNSUPPORTED', `is a store of a newer openbmd (schema ${version}, this one reads ${SCHEMA_VERSION})`, { file });
  }
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return db;
}
