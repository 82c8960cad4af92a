import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../../core/errors.js';
import type { AuditLog } from '../store/audit-log.js';
import type { StudyRecord, StudyRequestFields } from '../store/study-record.js';
import { studyPaths } from '../store/study-paths.js';
import type { StudyStore } from '../store/study-store.js';
import { uploadIdentity } from '../upload/upload-identity.js';
import type { DicomWebClient } from './dicomweb-client.js';
import { DICOM_JSON_TAG, jsonString } from './dicomweb-client.js';

/** Series modalities openbmd analyses; everything else in a study (SR, SEG, SC, PR, KO...) is left alone. */
const CT_MODALITIES = new Set(['CT']);
const RADIOGRAPH_MODALITIES = new Set(['CR', 'DX', 'RG']);
/** DICOM objects openbmd writes that go back into the source study. */
const STORED_BACK = /\.dcm$/;

export interface PacsExchangeOptions {
  client: DicomWebClient;
  store: StudyStore;
  audit: AuditLog;
  dataDir: string;
  /** Most bytes one pulled study may take (the upload limit). */
  maxBytes: number;
  onQueued: (id: string) => void;
  log: (line: string) => void;
}

/**
 * The PACS side of the service over DICOMweb: a PACS study is pulled (QIDO-RS for its series,
 * WADO-RS for their instances) into openbmd studies — each CT series one, the study's radiographs
 * together one (an AP and a lateral view belong to one analysis) — and when one is done its SR,
 * SEG and Secondary Capture are stored back into the source study (STOW-RS).
 */
export class PacsExchange {
  readonly #o: PacsExchangeOptions;
  #poller: NodeJS.Timeout | undefined;
  #polling = false;
  /** PACS studies the poller has tried, so one that cannot be pulled is not tried every tick. */
  readonly #polled = new Set<string>();

  constructor(o: PacsExchangeOptions) {
    this.#o = o;
  }

  get url(): string {
    return this.#o.client.baseUrl;
  }

  get client(): DicomWebClient {
    return this.#o.client;
  }

  /** Pulls one PACS study; series already pulled are not pulled twice. Returns the openbmd studies made (or found). */
  async pull(o: { studyInstanceUid: string; requested: StudyRequestFields; actor: string }): Promise<StudyRecord[]> {
    const series = await this.#o.client.searchSeries(o.studyInstanceUid);
    const pick = (modalities: Set<string>): string[] =>
      series
        .filter((s) => modalities.has((jsonString(s, DICOM_JSON_TAG.modality) ?? '').toUpperCase()))
        .map((s) => jsonString(s, DICOM_JSON_TAG.seriesInstanceUid)!);
    const groups = [...pick(CT_MODALITIES).map((uid) => [uid]), ...(pick(RADIOGRAPH_MODALITIES).length > 0 ? [pick(RADIOGRAPH_MODALITIES)] : [])].filter((g) =>
      g.every((uid) => uid !== undefined),
    );
    if (groups.length === 0)
      throw new OpenBmdError('INVALID_VALUE', `PACS study ${o.studyInstanceUid} has no CT or radiograph series (${series.length} series in all)`);
    const existing = this.#o.store.fromPacsStudy(o.studyInstanceUid);
    const made: StudyRecord[] = [];
    for (const group of groups) {
      const key = JSON.stringify([...group].sort());
      const already = existing.find(
        (s) => s.origin.kind === 'pacs' && JSON.stringify([...s.origin.seriesInstanceUids].sort()) === key && s.status !== 'failed',
      );
      made.push(already ?? (await this.#pullGroup({ ...o, seriesInstanceUids: group })));
    }
    return made;
  }

  async #pullGroup(o: { studyInstanceUid: string; seriesInstanceUids: string[]; requested: StudyRequestFields; actor: string }): Promise<StudyRecord> {
    const id = randomUUID();
    const { root, inputDir } = studyPaths({ dataDir: this.#o.dataDir, id });
    mkdirSync(inputDir, { recursive: true });
    const names: string[] = [];
    let bytes = 0;
    try {
      for (const seriesUid of o.seriesInstanceUids) {
        for (const instance of await this.#o.client.retrieveSeries(o.studyInstanceUid, seriesUid)) {
          bytes += instance.length;
          if (bytes > this.#o.maxBytes) throw new OpenBmdError('INVALID_VALUE', `PACS study ${o.studyInstanceUid} is larger than the upload limit`);
          const name = `${String(names.length + 1).padStart(5, '0')}.dcm`;
          writeFileSync(join(inputDir, name), instance);
          names.push(name);
        }
      }
    } catch (thrown) {
      rmSync(root, { recursive: true, force: true });
      throw thrown;
    }
    const study = this.#o.store.insert({
      id,
      requested: o.requested,
      uploadNames: names,
      identity: uploadIdentity({ dir: inputDir, names }),
      origin: { kind: 'pacs', studyInstanceUid: o.studyInstanceUid, seriesInstanceUids: o.seriesInstanceUids },
    });
    this.#o.audit.append({ actor: o.actor, remote: null, action: 'pulled from PACS', studyId: id, outcome: `${names.length} instance(s)` });
    this.#o.onQueued(id);
    return study;
  }

  /** Stores a finished PACS study's DICOM outputs back into its source study; the outcome is kept on the study in words. */
  async storeBack(studyId: string): Promise<void> {
    const study = this.#o.store.get(studyId);
    if (study?.origin.kind !== 'pacs' || study.outcome === undefined) return;
    const { outDir } = studyPaths({ dataDir: this.#o.dataDir, id: studyId });
    const files = study.outcome.files.filter((f) => STORED_BACK.test(f));
    try {
      await this.#o.client.store(
        study.origin.studyInstanceUid,
        files.map((f) => new Uint8Array(readFileSync(join(outDir, f)))),
      );
      const words = `stored ${files.join(', ')} into the source study at ${new Date().toISOString()}`;
      this.#o.store.setPacsStored(studyId, words);
      this.#o.audit.append({ actor: 'worker', remote: null, action: 'stored to PACS', studyId, outcome: `${files.length} object(s)` });
    } catch (thrown) {
      const why = thrown instanceof Error ? thrown.message : String(thrown);
      this.#o.store.setPacsStored(studyId, `not stored: ${why}`);
      this.#o.audit.append({ actor: 'worker', remote: null, action: 'stored to PACS', studyId, outcome: 'failed' });
      this.#o.log(`openbmd serve: results of study ${studyId} not stored to the PACS (${why})`);
    }
  }

  /** Every intervalS, pulls the PACS studies matching the query that have not been pulled yet. */
  startPolling(o: { intervalS: number; query: Record<string, string> }): void {
    const tick = async (): Promise<void> => {
      if (this.#polling) return;
      this.#polling = true;
      try {
        for (const found of await this.#o.client.searchStudies(o.query)) {
          const uid = jsonString(found, DICOM_JSON_TAG.studyInstanceUid);
          if (uid === undefined || this.#polled.has(uid) || this.#o.store.fromPacsStudy(uid).length > 0) continue;
          this.#polled.add(uid);
          try {
            await this.pull({
              studyInstanceUid: uid,
              requested: { site: undefined, ageYears: undefined, sex: undefined, side: undefined },
              actor: 'pacs poll',
            });
          } catch (thrown) {
            this.#o.log(`openbmd serve: PACS study ${uid} not pulled (${thrown instanceof Error ? thrown.message : String(thrown)})`);
          }
        }
      } catch (thrown) {
        this.#o.log(`openbmd serve: PACS poll failed (${thrown instanceof Error ? thrown.message : String(thrown)})`);
      } finally {
        this.#polling = false;
      }
    };
    this.#poller = setInterval(() => void tick(), o.intervalS * 1000);
    void tick();
  }

  stopPolling(): void {
    clearInterval(this.#poller);
  }
}
