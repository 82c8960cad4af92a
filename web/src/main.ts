import './style.css';
import type { StudyDetail, WorklistEntry } from './api.js';
import { ApiError, fileUrl, getJson, getSource, postForm, saveToken, savedToken } from './api.js';
import { byId, el } from './dom.js';
import { isSimulated, resultCard } from './result-card.js';
import { trendPlot, trendPoints } from './trend-plot.js';
import type { ViewerLayer } from './viewer.js';
import { imagePixels, imageViewer, overlayLayer, valuesLayer } from './viewer.js';
import { personName, studyDateText, worklistRows } from './worklist.js';

const REFRESH_MS = 3000;
/** Visits fetched for a patient's trend. */
const MAX_VISITS = 20;

let selected: string | undefined;
/** Blob URLs of the shown study's files, released when another is shown. */
let shownUrls: string[] = [];
let shownStudyState = '';

const worklistBody = byId('worklist', HTMLTableElement).tBodies[0]!;
const worklistNote = byId('worklist-note', HTMLParagraphElement);
const studyPanel = byId('study', HTMLDivElement);
const filterStatus = byId('filter-status', HTMLSelectElement);
const filterCategory = byId('filter-category', HTMLInputElement);
const filterFlag = byId('filter-flag', HTMLInputElement);

function explain(thrown: unknown): string {
  if (thrown instanceof ApiError && thrown.status === 401) return 'The service needs its API token: enter it above.';
  return thrown instanceof Error ? thrown.message : String(thrown);
}

async function refreshHealth(): Promise<void> {
  const health = byId('health', HTMLSpanElement);
  try {
    const h = await getJson<{ version: string; queue: string; studies: Record<string, number> }>('/api/health');
    health.textContent = `v${h.version} · ${h.queue} · queued ${h.studies['queued'] ?? 0}, running ${h.studies['running'] ?? 0}`;
  } catch (thrown) {
    health.textContent = explain(thrown);
  }
}

async function refreshWorklist(): Promise<void> {
  const query = new URLSearchParams({ limit: '200' });
  if (filterStatus.value !== '') query.set('status', filterStatus.value);
  if (filterCategory.value.trim() !== '') query.set('category', filterCategory.value.trim());
  if (filterFlag.value.trim() !== '') query.set('flag', filterFlag.value.trim());
  try {
    const list = await getJson<{ total: number; studies: WorklistEntry[] }>(`/api/studies?${query.toString()}`);
    worklistBody.replaceChildren(...worklistRows({ studies: list.studies, selected, onSelect: (id) => void select(id) }));
    worklistNote.textContent = `${list.studies.length} of ${list.total} studies`;
  } catch (thrown) {
    worklistNote.textContent = explain(thrown);
  }
  if (selected !== undefined) await showStudy(selected, false);
}

async function select(id: string): Promise<void> {
  selected = id;
  shownStudyState = '';
  for (const row of worklistBody.rows) row.classList.toggle('selected', row.dataset['id'] === id);
  await showStudy(id, true);
}

async function showStudy(id: string, force: boolean): Promise<void> {
  let study: StudyDetail;
  try {
    study = await getJson<StudyDetail>(`/api/studies/${encodeURIComponent(id)}`);
  } catch (thrown) {
    studyPanel.replaceChildren(el('p', { class: 'error' }, explain(thrown)));
    return;
  }
  // Redraw only when something changed (the viewer keeps its window/level and zoom meanwhile).
  const state = `${study.status}|${study.progress ?? ''}|${study.pacsStored ?? ''}`;
  if (!force && state === shownStudyState) return;
  shownStudyState = state;
  studyPanel.classList.remove('empty');
  const header = el(
    'div',
    { class: 'study-header' },
    el('h2', { 'data-testid': 'patient-name' }, personName(study.patientName)),
    el(
      'p',
      { class: 'note' },
      `${study.patientId ?? 'no patient ID'} · study ${studyDateText(study.studyDate)} · ${study.modality ?? ''} · ${study.site ?? 'site from the DICOM'}`,
    ),
    el(
      'p',
      {},
      el('span', { class: `badge ${study.status}` }, study.status),
      study.progress === null ? null : el('span', { class: 'note' }, ` ${study.progress}`),
    ),
  );
  for (const url of shownUrls) URL.revokeObjectURL(url);
  shownUrls = [];
  const parts: HTMLElement[] = [header];
  if (study.status === 'failed') parts.push(el('p', { class: 'error', 'data-testid': 'study-error' }, study.error ?? 'failed'));
  if (study.status === 'done' && study.result !== null) {
    const layers: ViewerLayer[] = [];
    const extra: HTMLElement[] = [];
    let redraw = (): void => undefined;
    try {
      const source = await getSource(study.id);
      const sourceCaption = (what: string): string => `${what}: the source pixels (${source.unit}), window/level in that unit`;
      const image = valuesLayer({ label: 'Image', ...source, caption: sourceCaption(source.what) });
      layers.push(image);
      if (source.slice !== undefined) {
        // A CT series: scroll its slices (the window and zoom stay).
        const slider = el('input', { type: 'range', min: '0', max: String(source.slice.count - 1), value: String(source.slice.index), 'aria-label': 'slice' });
        slider.addEventListener('change', () => {
          void getSource(study.id, Number(slider.value)).then((next) => {
            image.setValues(next.values, sourceCaption(next.what));
            redraw();
          });
        });
        extra.push(el('label', { class: 'slice' }, 'Slice ', slider));
      }
    } catch (thrown) {
      parts.push(el('p', { class: 'note' }, `The source image cannot be shown: ${explain(thrown)}`));
    }
    if (study.files.includes('overlay.png')) {
      const url = await fileUrl(study.id, 'overlay.png');
      shownUrls.push(url);
      layers.push(
        overlayLayer({ label: 'Overlay', pixels: await imagePixels(url), caption: `${study.result.method} — the pipeline's overlay (an 8-bit rendering)` }),
      );
    }
    if (layers.length > 0) {
      const viewer = imageViewer(layers, extra);
      redraw = viewer.redraw;
      parts.push(viewer.element);
    }
    parts.push(resultCard(study));
    parts.push(await downloads(study));
    const trend = await patientTrend(study);
    if (trend !== null) parts.push(trend);
  }
  studyPanel.replaceChildren(...parts);
  studyPanel.classList.toggle('simulated', study.result !== null && isSimulated(study.result));
}

async function downloads(study: StudyDetail): Promise<HTMLElement> {
  const links = await Promise.all(
    study.files
      .filter((f) => f !== 'overlay.png')
      .map(async (f) => {
        const url = await fileUrl(study.id, f);
        shownUrls.push(url);
        return el('a', { href: url, download: f, class: 'download' }, f === 'report.pdf' ? 'Report (PDF)' : f);
      }),
  );
  return el('div', { class: 'downloads' }, el('strong', {}, 'Files: '), ...links);
}

async function patientTrend(study: StudyDetail): Promise<HTMLElement | null> {
  if (study.patientId === null) return null;
  const visits = await getJson<{ studies: WorklistEntry[] }>(`/api/studies?status=done&limit=${MAX_VISITS}&patientId=${encodeURIComponent(study.patientId)}`);
  const details = await Promise.all(visits.studies.map((v) => getJson<StudyDetail>(`/api/studies/${encodeURIComponent(v.id)}`)));
  const same = details.filter((d) => d.site === study.site);
  const trend = trendPoints(study, same);
  return trend === undefined ? null : el('section', { class: 'trend-section' }, el('h3', {}, 'Over visits'), trendPlot(trend));
}

byId('token', HTMLInputElement).value = savedToken();
byId('token-form', HTMLFormElement).addEventListener('submit', (e) => {
  e.preventDefault();
  saveToken(byId('token', HTMLInputElement).value.trim());
  void refreshHealth();
  void refreshWorklist();
});
byId('upload', HTMLFormElement).addEventListener('submit', (e) => {
  e.preventDefault();
  const files = byId('upload-files', HTMLInputElement).files;
  const status = byId('upload-status', HTMLSpanElement);
  if (files === null || files.length === 0) {
    status.textContent = 'Choose a DICOM file, several, or a zip.';
    return;
  }
  const form = new FormData();
  for (const [name, id] of [
    ['site', 'upload-site'],
    ['sex', 'upload-sex'],
  ] as const)
    if (byId(id, HTMLSelectElement).value !== '') form.set(name, byId(id, HTMLSelectElement).value);
  const age = byId('upload-age', HTMLInputElement).value;
  if (age !== '') form.set('age', age);
  for (const f of files) form.append('files', f, f.name);
  status.textContent = 'Uploading…';
  postForm('/api/studies', form).then(
    (r) => {
      status.textContent = `Study ${r.id.slice(0, 8)} ${r.status}.`;
      void select(r.id);
      void refreshWorklist();
    },
    (thrown: unknown) => (status.textContent = explain(thrown)),
  );
});
for (const input of [filterStatus, filterCategory, filterFlag]) input.addEventListener('change', () => void refreshWorklist());

void refreshHealth();
void refreshWorklist();
setInterval(() => {
  void refreshHealth();
  void refreshWorklist();
}, REFRESH_MS);
