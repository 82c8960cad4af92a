import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DICOM_JSON_TAG, jsonString } from '../pacs/dicomweb-client.js';
import type { PacsExchange } from '../pacs/pacs-exchange.js';
import type { StudyStore } from '../store/study-store.js';
import { parseUploadFields } from './upload-fields.js';

/** A DICOM UID: digits and dots, at most 64 characters (PS3.5 9.1). */
const UID = /^[0-9]+(\.[0-9]+)*$/;

/** The QIDO-RS matching keys the PACS search passes on; nothing else from the query reaches the PACS. */
const pacsSearch = z
  .object({
    PatientID: z.string().max(64).optional(),
    PatientName: z.string().max(64).optional(),
    StudyDate: z.string().max(17).optional(),
    AccessionNumber: z.string().max(16).optional(),
    ModalitiesInStudy: z.string().max(16).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** The PACS routes (present when `serve --pacs` names a DICOMweb server): search it, and pull a study into the worklist. */
export function registerPacsRoutes(app: FastifyInstance, ctx: { pacs: PacsExchange; store: StudyStore }): void {
  app.get('/api/pacs/studies', async (request) => {
    const { limit, ...query } = pacsSearch.parse(request.query);
    const found = await ctx.pacs.client.searchStudies({
      ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)),
      limit: String(limit),
    } as Record<string, string>);
    return {
      pacs: ctx.pacs.url,
      studies: found.map((s) => {
        const uid = jsonString(s, DICOM_JSON_TAG.studyInstanceUid) ?? null;
        return {
          studyInstanceUid: uid,
          patientId: jsonString(s, DICOM_JSON_TAG.patientId) ?? null,
          studyDate: jsonString(s, DICOM_JSON_TAG.studyDate) ?? null,
          modalities: (s[DICOM_JSON_TAG.modalitiesInStudy]?.Value ?? []).map(String),
          openbmdStudies: uid === null ? [] : ctx.store.fromPacsStudy(uid).map((x) => ({ id: x.id, status: x.status })),
        };
      }),
    };
  });

  app.post<{ Params: { uid: string } }>('/api/pacs/studies/:uid/pull', async (request, reply) => {
    if (!UID.test(request.params.uid) || request.params.uid.length > 64) return reply.code(400).send({ error: 'not a StudyInstanceUID' });
    const requested = parseUploadFields(request.query as Record<string, unknown>);
    const studies = await ctx.pacs.pull({ studyInstanceUid: request.params.uid, requested, actor: 'api' });
    return reply.code(202).send({ studies: studies.map((s) => ({ id: s.id, status: s.status })) });
  });
}
