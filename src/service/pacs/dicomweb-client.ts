import { OpenBmdError } from '../../core/errors.js';
import { multipartBoundary, multipartRelatedDicom, parseMultipartRelated } from './multipart-related.js';

/** One QIDO-RS result in the DICOM JSON model (PS3.18 F.2): tag -> { vr, Value }. */
export type DicomJson = Record<string, { vr?: string; Value?: unknown[] }>;

/** The first value of an attribute of a DICOM JSON object as text (a PN as its Alphabetic form). */
export function jsonString(o: DicomJson, tag: string): string | undefined {
  const v = o[tag]?.Value?.[0];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic);
  return undefined;
}

export const DICOM_JSON_TAG = {
  studyInstanceUid: '0020000D',
  seriesInstanceUid: '0020000E',
  sopInstanceUid: '00080018',
  modality: '00080060',
  modalitiesInStudy: '00080061',
  studyDate: '00080020',
  patientId: '00100020',
} as const;

const FAILED_SOP_SEQUENCE = '00081198';

export interface DicomWebClientOptions {
  /** The DICOMweb root, e.g. http://pacs:8042/dicom-web */
  baseUrl: string;
  /** Sent as Authorization when the PACS needs it (e.g. 'Basic ...' or 'Bearer ...'). */
  authorization?: string | undefined;
  /** Largest response read into memory (a series retrieved by WADO-RS). */
  maxResponseBytes: number;
  timeoutS: number;
}

/**
 * A DICOMweb client on fetch: QIDO-RS searches, WADO-RS retrieval of a series' instances, STOW-RS
 * storage. (The npm dicomweb-client is built on the browser's XMLHttpRequest, which Node lacks.)
 */
export class DicomWebClient {
  readonly #o: DicomWebClientOptions;

  constructor(o: DicomWebClientOptions) {
    this.#o = { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
  }

  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  async #fetch(path: string, init: RequestInit & { accept: string }): Promise<Response> {
    const headers: Record<string, string> = { accept: init.accept, ...(init.headers as Record<string, string> | undefined) };
    if (this.#o.authorization !== undefined) headers['authorization'] = this.#o.authorization;
    let r: Response;
    try {
      r = await fetch(`${this.#o.baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(this.#o.timeoutS * 1000) });
    } catch (thrown) {
      throw new OpenBmdError(
        'FILE_NOT_FOUND',
        `the PACS at ${this.#o.baseUrl} cannot be reached (${thrown instanceof Error ? thrown.message : String(thrown)})`,
      );
    }
    if (!r.ok && r.status !== 204) {
      const text = (await r.text()).slice(0, 300);
      throw new OpenBmdError('INVALID_VALUE', `the PACS answered ${init.method ?? 'GET'} ${path} with HTTP ${r.status}${text === '' ? '' : `: ${text}`}`);
    }
    return r;
  }

  async #bytes(r: Response): Promise<Buffer> {
    const declared = Number(r.headers.get('content-length') ?? 0);
    if (declared > this.#o.maxResponseBytes) throw new OpenBmdError('INVALID_VALUE', `the PACS's answer (${declared} bytes) is larger than the limit`);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of r.body ?? []) {
      total += (chunk as Uint8Array).length;
      if (total > this.#o.maxResponseBytes) throw new OpenBmdError('INVALID_VALUE', `the PACS's answer is larger than ${this.#o.maxResponseBytes} bytes`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  }

  /** QIDO-RS: studies matching the query's attributes (keyword or tag = value). */
  async searchStudies(query: Record<string, string> = {}): Promise<DicomJson[]> {
    return this.#search(`/studies?${new URLSearchParams(query).toString()}`);
  }

  /** QIDO-RS: the series of one study. */
  async searchSeries(studyInstanceUid: string): Promise<DicomJson[]> {
    return this.#search(`/studies/${encodeURIComponent(studyInstanceUid)}/series`);
  }

  async #search(path: string): Promise<DicomJson[]> {
    const r = await this.#fetch(path, { accept: 'application/dicom+json' });
    if (r.status === 204) return [];
    const json = JSON.parse((await this.#bytes(r)).toString('utf8')) as unknown;
    if (!Array.isArray(json)) throw new OpenBmdError('INVALID_VALUE', `the PACS's QIDO-RS answer to ${path} is not a JSON array`);
    return json as DicomJson[];
  }

  /** WADO-RS: every instance of a series, as DICOM files. */
  async retrieveSeries(studyInstanceUid: string, seriesInstanceUid: string): Promise<Buffer[]> {
    const path = `/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}`;
    const r = await this.#fetch(path, { accept: 'multipart/related; type="application/dicom"' });
    const boundary = multipartBoundary(r.headers.get('content-type'));
    if (boundary === undefined) throw new OpenBmdError('INVALID_VALUE', `the PACS's WADO-RS answer to ${path} is not multipart/related`);
    return parseMultipartRelated(await this.#bytes(r), boundary).map((p) => p.body);
  }

  /** STOW-RS: stores DICOM files into a study (they must carry its StudyInstanceUID). */
  async store(studyInstanceUid: string, files: readonly Uint8Array[]): Promise<void> {
    const { contentType, body } = multipartRelatedDicom(files);
    const r = await this.#fetch(`/studies/${encodeURIComponent(studyInstanceUid)}`, {
      method: 'POST',
      accept: 'application/dicom+json',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    });
    // A 200 can still list instances the PACS refused (Failed SOP Sequence, PS3.18 10.5.3).
    const text = (await this.#bytes(r)).toString('utf8');
    const answer = text.trim() === '' ? {} : (JSON.parse(text) as DicomJson);
    const failed = answer[FAILED_SOP_SEQUENCE]?.Value ?? [];
    if (failed.length > 0)
      throw new OpenBmdError('INVALID_VALUE', `the PACS refused ${failed.length} of ${files.length} instance(s) stored to study ${studyInstanceUid}`);
  }
}
