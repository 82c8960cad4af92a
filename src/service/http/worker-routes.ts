import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recordJobEnd } from '../jobs/record-job-end.js';
import type { AuditLog } from '../store/audit-log.js';
import { isStudyId, studyPaths } from '../store/study-paths.js';
import type { StudyStore } from '../store/study-store.js';

/** Output names a worker may post (what writeAnalysisOutputs writes: letters, digits, '.', '-', '_'). */
const OUTPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const replySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('done'),
    studyId: z.string(),
    outcome: z.object({
      site: z.string().min(1),
      category: z.string().nullable(),
      qcFlags: z.array(z.string()),
      refused: z.boolean(),
      simulated: z.boolean(),
      result: z.unknown(),
      files: z.array(z.string().regex(OUTPUT_NAME)).max(32),
    }),
  }),
  z.object({ kind: z.literal('failed'), studyId: z.string(), message: z.string().min(1).max(4000), badInput: z.boolean() }),
]);

/**
 * The two routes `openbmd worker` processes use (with the same bearer token as every /api route):
 * fetch an uploaded file of a study, and post the study's outcome with its output files. The first
 * outcome posted for a study is kept; a late duplicate (a worker thought lost) is answered 409.
 */
export function registerWorkerRoutes(
  app: FastifyInstance,
  ctx: { store: StudyStore; audit: AuditLog; dataDir: string; maxAttempts: number; onDone: (studyId: string) => void },
): void {
  app.get<{ Params: { id: string; name: string } }>('/api/worker/studies/:id/input/:name', async (request, reply) => {
    const study = isStudyId(request.params.id) ? ctx.store.get(request.params.id) : undefined;
    const name = study?.uploadNames.find((n) => n === request.params.name);
    if (study === undefined || name === undefined) return reply.code(404).send({ error: 'no such study file' });
    return reply.type('application/octet-stream').send(createReadStream(join(studyPaths({ dataDir: ctx.dataDir, id: study.id }).inputDir, name)));
  });

  app.post<{ Params: { id: string } }>('/api/worker/studies/:id/outcome', async (request, reply) => {
    const study = isStudyId(request.params.id) ? ctx.store.get(request.params.id) : undefined;
    if (study === undefined) return reply.code(404).send({ error: 'no such study' });
    if (study.status === 'done' || study.status === 'failed') return reply.code(409).send({ error: `study ${study.id} is already ${study.status}` });
    const { outDir } = studyPaths({ dataDir: ctx.dataDir, id: study.id });
    mkdirSync(outDir, { recursive: true });
    let raw: string | undefined;
    const received = new Set<string>();
    for await (const part of request.parts()) {
      if (part.type === 'field') continue;
      if (part.fieldname === 'reply') {
        raw = (await part.toBuffer()).toString('utf8');
        continue;
      }
      if (!OUTPUT_NAME.test(part.filename)) {
        part.file.resume();
        return reply.code(400).send({ error: `output file name '${part.filename}' is not allowed` });
      }
      await pipeline(part.file, createWriteStream(join(outDir, part.filename)));
      received.add(part.filename);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw ?? 'null');
    } catch {
      return reply.code(400).send({ error: "the 'reply' field is not JSON" });
    }
    const parsed = replySchema.safeParse(json);
    if (!parsed.success || parsed.data.studyId !== study.id) return reply.code(400).send({ error: 'the outcome is not a valid reply for this study' });
    const end = parsed.data;
    if (end.kind === 'done') {
      const missing = end.outcome.files.filter((f) => !received.has(f));
      if (missing.length > 0) return reply.code(400).send({ error: `the outcome lists files that were not sent: ${missing.join(', ')}` });
    }
    recordJobEnd({ store: ctx.store, audit: ctx.audit, actor: 'worker', attempts: study.attempts, maxAttempts: ctx.maxAttempts, end, onDone: ctx.onDone });
    return { recorded: end.kind };
  });
}
