import type { StudyRecord } from '../store/study-record.js';

/** The worklist's view of a study (GET /api/studies): who, what, where it stands, and what it found. */
export function worklistEntry(s: StudyRecord): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    patientName: s.identity.patientName ?? null,
    patientId: s.identity.patientId ?? null,
    studyDate: s.identity.studyDate ?? null,
    modality: s.identity.modality ?? null,
    site: s.outcome?.site ?? s.requested.site ?? null,
    category: s.outcome?.category ?? null,
    qcFlags: s.outcome?.qcFlags ?? [],
    refused: s.outcome?.refused ?? null,
    simulated: s.outcome?.simulated ?? null,
    error: s.error ?? null,
  };
}

/** One study in full (GET /api/studies/{id}): the worklist fields, the request, the result envelope, the files and the error in words. */
export function studyDetail(s: StudyRecord, progress: string | undefined): Record<string, unknown> {
  return {
    ...worklistEntry(s),
    studyInstanceUid: s.identity.studyInstanceUid ?? null,
    requested: { site: s.requested.site ?? null, age: s.requested.ageYears ?? null, sex: s.requested.sex ?? null, side: s.requested.side ?? null },
    uploadedFiles: s.uploadNames,
    attempts: s.attempts,
    progress: s.status === 'running' ? (progress ?? null) : null,
    origin: s.origin,
    pacsStored: s.pacsStored ?? null,
    result: s.outcome?.result ?? null,
    files: s.outcome?.files ?? [],
  };
}
