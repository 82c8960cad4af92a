import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { z } from 'zod';
import { OpenBmdError } from '../../core/errors.js';
import { OPENBMD_VERSION } from '../../nn/model-folder/model-folder.js';
import { bearerTokenMatches, tokenFingerprint } from '../auth/bearer-token.js';
import type { AuditLog } from '../store/audit-log.js';
import { STUDY_STATUSES } from '../store/study-record.js';
import type { StudyRequestFields } from '../store/study-record.js';
import { isStudyId, studyPaths } from '../store/study-paths.js';
import type { StudyStore } from '../store/study-store.js';
import { UploadFolder } from '../upload/upload-folder.js';
import { uploadIdentity } from '../upload/upload-identity.js';
import type { UploadLimits } from '../upload/upload-limits.js';
import { UploadTooLargeError } from '../upload/upload-limits.js';
import { studyDetail, worklistEntry } from './study-json.js';
import { parseUploadFields } from './upload-fields.js';
import { sourcePreview } from './source-preview.js';
import { registerWorkerRoutes } from './worker-routes.js';
import { registerPacsRoutes } from './pacs-routes.js';
import type { PacsExchange } from '../pacs/pacs-exchange.js';

/** What the routes need from the rest of the service. */
export interface ServerContext {
  store: StudyStore;
  audit: AuditLog;
  dataDir: string;
  /** OPENBMD_API_TOKEN; undefined: no authentication (loopback only). */
  token: string | undefined;
  limits: UploadLimits;
  /** Queued studies beyond which uploads are answered 503 (back-pressure). */
  maxQueued: number;
  /** Which queue runs the analyses, for /api/health. */
  queueKind: string;
  /** A study was queued. */
  onQueued: (id: string) => void;
  /** The last progress line of a running study. */
  progress: (id: string) => string | undefined;
  /** pino logging of requests (off in tests). */
  logRequests: boolean;
  /** With a Redis queue: the routes `openbmd worker` processes fetch inputs and post outcomes through. */
  remoteWorkers: { maxAttempts: number } | undefined;
  /** A study's outcome was stored (by a remote worker's post). */
  onDone: (studyId: string) => void;
  /** With `--pacs`: the DICOMweb exchange behind /api/pacs. */
  pacs: PacsExchange | undefined;
}

/** The web UI as Vite built it (dist/web beside dist/src). */
const WEB_UI_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));

/** Raw upload bodies: one DICOM file, or a zip (of a series, or of several files). */
const RAW_UPLOAD_TYPES = ['application/dicom', 'application/zip', 'application/x-zip-compressed', 'application/octet-stream'];

/** Room for multipart boundaries and part headers when a declared length is checked against the limit. */
const MULTIPART_OVERHEAD_BYTES = 1 << 20;

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.dcm': 'application/dicom',
};

const worklistQuery = z.object({
  status: z.enum(STUDY_STATUSES).optional(),
  category: z.string().min(1).max(64).optional(),
  flag: z.string().min(1).max(64).optional(),
  patientId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const sourceQuery = z.object({ slice: z.coerce.number().int().min(0).max(100_000).optional() });

const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), study: z.string().optional() });

/** The file name a raw upload was sent under (Content-Disposition), when the client said. */
function dispositionName(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header)?.[1];
}

/** Who made a request, for the audit log: the token's fingerprint, or 'loopback' when the service runs without one. */
function actorOf(token: string | undefined): string {
  return token === undefined ? 'loopback' : tokenFingerprint(token);
}

/**
 * The HTTP API (DESIGN.md "Service"). Uploads stream to disk within the limits and become queued
 * studies; a body that is not a usable study becomes a failed study with the reason; every /api
 * request is authenticated when a token is set and written to the audit log.
 */
export async function buildServer(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: ctx.logRequests ? { level: 'info' } : false, bodyLimit: 1 << 20 });
  // Only the upload types are parsed: no JSON or text bodies reach a route.
  app.removeAllContentTypeParsers();
  await app.register(multipart, {
    limits: { fileSize: ctx.limits.maxBytes, files: ctx.limits.maxFiles, fields: 16, fieldSize: 1024, parts: ctx.limits.maxFiles + 16 },
  });
  app.addContentTypeParser(RAW_UPLOAD_TYPES, (_request, payload, done) => done(null, payload));

  app.addHook('onRequest', async (request, reply) => {
    if (ctx.token === undefined || !request.url.startsWith('/api/')) return;
    if (!bearerTokenMatches({ header: request.headers.authorization, expected: ctx.token })) {
      ctx.audit.append({
        actor: 'unauthenticated',
        remote: request.ip,
        action: `${request.method} ${request.url.split('?')[0]}`,
        studyId: null,
        outcome: '401',
      });
      await reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a bearer token is needed (Authorization: Bearer <token>)' });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/health') || reply.statusCode === 401) return;
    const id = (request.params as { id?: string } | undefined)?.id;
    ctx.audit.append({
      actor: actorOf(ctx.token),
      remote: request.ip,
      action: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
      studyId: id !== undefined && isStudyId(id) ? id : ((reply.getHeader('x-study-id') as string | undefined) ?? null),
      outcome: String(reply.statusCode),
    });
  });
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof z.ZodError)
      return reply.code(400).send({ error: `bad query (${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})` });
    // openbmd's own errors are about the request's data or the PACS, in words a user can act on.
    if (error instanceof OpenBmdError) return reply.code(error.code === 'FILE_NOT_FOUND' ? 502 : 422).send({ error: error.message });
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error(error);
      return reply.code(500).send({ error: 'internal error (see the server log)' });
    }
    return reply.code(status).send({ error: error.message });
  });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
  });
  if (existsSync(join(WEB_UI_DIR, 'index.html'))) await app.register(fastifyStatic, { root: WEB_UI_DIR, index: 'index.html' });
  else app.get('/', async (_request, reply) => reply.code(404).type('text/plain').send('The web UI is not built: run npm run build.\n'));

  app.get('/api/health', async () => ({
    status: 'ok',
    version: OPENBMD_VERSION,
    queue: ctx.queueKind,
    studies: ctx.store.counts(),
    authentication: ctx.token === undefined ? 'none (loopback only)' : 'bearer token',
  }));

  app.post('/api/studies', async (request, reply) => {
    if (ctx.store.counts().queued >= ctx.maxQueued)
      return reply
        .code(503)
        .header('retry-after', '30')
        .send({ error: `${ctx.maxQueued} studies are already waiting; try again later` });
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > ctx.limits.maxBytes + MULTIPART_OVERHEAD_BYTES)
      return reply.code(413).send({ error: `the upload (${declared} bytes) is larger than ${Math.round(ctx.limits.maxBytes / 2 ** 20)} MiB` });
    const id = randomUUID();
    const paths = studyPaths({ dataDir: ctx.dataDir, id });
    const folder = new UploadFolder({ dir: paths.inputDir, limits: ctx.limits });
    const raw: Record<string, unknown> = { ...(request.query as Record<string, unknown>) };
    let failure: string | undefined;
    try {
      if (request.isMultipart()) {
        for await (const part of request.parts()) {
          if (part.type === 'file') await folder.add({ stream: part.file, givenName: part.filename });
          else raw[part.fieldname] = part.value;
        }
      } else {
        await folder.add({ stream: request.body as Readable, givenName: dispositionName(request.headers['content-disposition']) });
      }
    } catch (thrown) {
      const tooLarge = thrown instanceof UploadTooLargeError || (thrown as { statusCode?: number }).statusCode === 413;
      if (!(thrown instanceof OpenBmdError) || tooLarge) {
        rmSync(paths.root, { recursive: true, force: true });
        if (tooLarge) return reply.code(413).send({ error: thrown instanceof Error ? thrown.message : 'the upload is too large' });
        throw thrown;
      }
      failure = thrown.message;
    }
    let requested: StudyRequestFields;
    try {
      requested = parseUploadFields(raw);
    } catch (thrown) {
      rmSync(paths.root, { recursive: true, force: true });
      const issues = thrown instanceof z.ZodError ? thrown.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(thrown);
      return reply.code(400).send({ error: `bad upload fields (${issues})` });
    }
    if (failure === undefined && folder.names.length === 0) failure = 'the upload holds no file';
    const study = ctx.store.insert({
      id,
      requested,
      uploadNames: [...folder.names],
      identity: uploadIdentity({ dir: paths.inputDir, names: folder.names }),
      origin: { kind: 'upload' },
      ...(failure === undefined ? {} : { failure }),
    });
    if (failure === undefined) ctx.onQueued(id);
    return reply.code(202).header('x-study-id', id).header('location', `/api/studies/${id}`).send({ id, status: study.status });
  });

  app.get('/api/studies', async (request) => {
    const q = worklistQuery.parse(request.query);
    const { studies, total } = ctx.store.list(q);
    return { total, limit: q.limit, offset: q.offset, studies: studies.map(worklistEntry) };
  });

  app.get<{ Params: { id: string } }>('/api/studies/:id', async (request, reply) => {
    const study = isStudyId(request.params.id) ? ctx.store.get(request.params.id) : undefined;
    if (study === undefined) return reply.code(404).send({ error: 'no such study' });
    return studyDetail(study, ctx.progress(study.id));
  });

  app.get<{ Params: { id: string; name: string } }>('/api/studies/:id/files/:name', async (request, reply) => {
    const study = isStudyId(request.params.id) ? ctx.store.get(request.params.id) : undefined;
    if (study === undefined) return reply.code(404).send({ error: 'no such study' });
    // Only a name the analysis listed is served, so the URL never reaches another path.
    const name = study.outcome?.files.find((f) => f === request.params.name);
    const file = name === undefined ? undefined : join(studyPaths({ dataDir: ctx.dataDir, id: study.id }).outDir, name);
    if (file === undefined || !existsSync(file)) return reply.code(404).send({ error: `study ${study.id} has no file '${request.params.name}'` });
    const type = CONTENT_TYPES[name!.slice(name!.lastIndexOf('.'))] ?? 'application/octet-stream';
    return reply.type(type).header('content-disposition', `inline; filename="${name}"`).send(createReadStream(file));
  });

  if (ctx.remoteWorkers !== undefined)
    registerWorkerRoutes(app, { store: ctx.store, audit: ctx.audit, dataDir: ctx.dataDir, maxAttempts: ctx.remoteWorkers.maxAttempts, onDone: ctx.onDone });
  if (ctx.pacs !== undefined) registerPacsRoutes(app, { pacs: ctx.pacs, store: ctx.store });

  app.get<{ Params: { id: string } }>('/api/studies/:id/source', async (request, reply) => {
    const study = isStudyId(request.params.id) ? ctx.store.get(request.params.id) : undefined;
    if (study === undefined) return reply.code(404).send({ error: 'no such study' });
    const { slice } = sourceQuery.parse(request.query);
    const preview = await sourcePreview({ dir: studyPaths({ dataDir: ctx.dataDir, id: study.id }).inputDir, names: study.uploadNames, slice });
    // Little-endian float32 values, row by row; what they are in the headers.
    return reply
      .type('application/octet-stream')
      .header('x-columns', String(preview.columns))
      .header('x-rows', String(preview.rows))
      .header('x-unit', preview.unit)
      .header('x-window-center', String(preview.window.center))
      .header('x-window-width', String(preview.window.width))
      .header('x-source', encodeURIComponent(preview.what))
      .header('x-slice', preview.slice === undefined ? '' : `${preview.slice.index}/${preview.slice.count}`)
      .send(Buffer.from(preview.values.buffer, preview.values.byteOffset, preview.values.byteLength));
  });

  app.get('/api/audit', async (request) => {
    const q = auditQuery.parse(request.query);
    return { entries: ctx.audit.recent({ limit: q.limit, studyId: q.study }) };
  });

  return app;
}
