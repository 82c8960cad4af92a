/** The service's JSON, as the UI reads it (DESIGN.md "Service"; the server's study-json.ts). */
export interface WorklistEntry {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  createdAt: string;
  patientName: string | null;
  patientId: string | null;
  studyDate: string | null;
  modality: string | null;
  site: string | null;
  category: string | null;
  qcFlags: string[];
  refused: boolean | null;
  simulated: boolean | null;
  error: string | null;
}

export interface Measurement {
  column: string;
  value: number | null;
  unit: string;
  method: string;
}

export interface ScoreValue {
  value: number;
  reference?: string;
}

export interface ResultEnvelope {
  pipeline: string;
  method: string;
  simulatedInput: boolean;
  person: { sex: string | null; ageYears: number | null; source: string };
  measurements: Measurement[];
  interpretation: {
    measurement: string;
    value: number;
    unit: string;
    rule: string;
    ruleSource: string | null;
    tScore: unknown;
    zScore: unknown;
    category: string | null;
    wording: string;
    notes: string[];
  } | null;
  qcFlags: { flag: string; refusesNumber: boolean }[];
  refusal: string | null;
  model: {
    name: string;
    version: string;
    createdAt: string;
    trainedOn: { cohort: string; simulated: boolean | null; cases: number; description: string | null };
    outOfFold: unknown;
    provenance: string[];
  };
}

export interface StudyDetail extends WorklistEntry {
  uploadedFiles: string[];
  progress: string | null;
  result: ResultEnvelope | null;
  files: string[];
  pacsStored: string | null;
}

const TOKEN_KEY = 'openbmd-token';

export function savedToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Thrown for an answer that is not 2xx; the message is the server's error in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = savedToken();
  if (token !== '') headers.set('authorization', `Bearer ${token}`);
  const r = await fetch(path, { ...init, headers });
  if (!r.ok) {
    let message = `HTTP ${r.status}`;
    try {
      message = ((await r.json()) as { error?: string }).error ?? message;
    } catch {
      // Not JSON: keep the status.
    }
    throw new ApiError(r.status, message);
  }
  return r;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function postForm(path: string, form: FormData): Promise<{ id: string; status: string }> {
  return (await (await request(path, { method: 'POST', body: form })).json()) as { id: string; status: string };
}

/** A study's source image as the server previews it: float32 values in their unit, with the window to start from. */
export async function getSource(
  studyId: string,
  slice?: number,
): Promise<{
  width: number;
  height: number;
  values: Float32Array;
  unit: string;
  window: { center: number; width: number };
  what: string;
  slice: { index: number; count: number } | undefined;
}> {
  const r = await request(`/api/studies/${encodeURIComponent(studyId)}/source${slice === undefined ? '' : `?slice=${slice}`}`);
  const header = (name: string): string => r.headers.get(name) ?? '';
  const [index, count] = header('x-slice').split('/').map(Number);
  return {
    width: Number(header('x-columns')),
    height: Number(header('x-rows')),
    values: new Float32Array(await r.arrayBuffer()),
    unit: header('x-unit'),
    window: { center: Number(header('x-window-center')), width: Number(header('x-window-width')) },
    what: decodeURIComponent(header('x-source')),
    slice: index === undefined || count === undefined || !Number.isFinite(count) ? undefined : { index, count },
  };
}

/** A study's output file as a blob URL (images and PDFs need the token, which <img src> cannot send). */
export async function fileUrl(studyId: string, name: string): Promise<string> {
  const r = await request(`/api/studies/${encodeURIComponent(studyId)}/files/${encodeURIComponent(name)}`);
  return URL.createObjectURL(await r.blob());
}
