import type { ResultEnvelope, StudyDetail } from './api.js';
import { el } from './dom.js';

function scoreText(score: unknown): string {
  if (typeof score !== 'object' || score === null || !('score' in score)) return '—';
  const s = score as { score: number; tableId?: string };
  return `${s.score.toFixed(1)}${s.tableId === undefined ? '' : ` (${s.tableId})`}`;
}

const fixed = (v: number | null, unit: string): string => (v === null ? 'not reported' : `${v.toFixed(unit === 'mg/cm3' ? 1 : 3)} ${unit}`);

/** Whether the number rests on simulated data: the input, or the model's training and validation cohort. */
export function isSimulated(r: ResultEnvelope): boolean {
  return r.simulatedInput || r.model.trainedOn.simulated === true;
}

/**
 * The result card: the BMD, T and Z, the category and the rule behind it, QC flags (refusing ones
 * marked), and where the number comes from (the model, the cohort it was trained and validated on).
 */
export function resultCard(study: StudyDetail): HTMLElement {
  const r = study.result;
  if (r === null) return el('div', { class: 'card' }, 'No result.');
  const i = r.interpretation;
  return el(
    'div',
    { class: 'card', 'data-testid': 'result-card' },
    isSimulated(r)
      ? el(
          'div',
          { class: 'banner', 'data-testid': 'simulated-banner' },
          `SIMULATED — ${r.simulatedInput ? 'the input is a simulated image' : 'the model was trained and validated on simulated data'}; not clinical evidence`,
        )
      : null,
    r.refusal === null ? null : el('div', { class: 'refusal' }, `Number not reported: ${r.refusal}`),
    el(
      'table',
      { class: 'measurements' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Measurement'), el('th', {}, 'Value'), el('th', {}, 'Method'))),
      el(
        'tbody',
        {},
        ...r.measurements.map((m) =>
          el('tr', {}, el('td', {}, m.column), el('td', { class: 'value' }, fixed(m.value, m.unit)), el('td', { class: 'method' }, m.method)),
        ),
      ),
    ),
    i === null
      ? null
      : el(
          'dl',
          { class: 'interpretation' },
          el('dt', {}, 'Category'),
          el('dd', { class: `category ${(i.category ?? 'none').replace(/[^a-z]/g, '-')}` }, i.category ?? 'none', ` — ${i.wording}`),
          el('dt', {}, 'T-score'),
          el('dd', {}, scoreText(i.tScore)),
          el('dt', {}, 'Z-score'),
          el('dd', {}, scoreText(i.zScore)),
          el('dt', {}, 'Rule'),
          el('dd', {}, i.rule, i.ruleSource === null ? '' : ` (${i.ruleSource})`),
          ...i.notes.map((n) => el('dd', { class: 'note' }, n)),
        ),
    el(
      'div',
      { class: 'flags' },
      el('strong', {}, 'QC flags: '),
      r.qcFlags.length === 0 ? 'none' : null,
      ...r.qcFlags.map((f) => el('span', { class: f.refusesNumber ? 'flag refusing' : 'flag' }, f.flag, f.refusesNumber ? ' (refuses the number)' : '')),
    ),
    el(
      'dl',
      { class: 'provenance' },
      el('dt', {}, 'Model'),
      el('dd', {}, `${r.model.name} ${r.model.version} (${r.model.createdAt.slice(0, 10)})`),
      el('dt', {}, 'Trained and validated on'),
      el('dd', {}, r.model.trainedOn.description ?? `${r.model.trainedOn.cohort} (${r.model.trainedOn.cases} cases)`),
      el('dt', {}, 'Person'),
      el(
        'dd',
        {},
        `${r.person.sex ?? 'sex unknown'}, ${r.person.ageYears === null ? 'age unknown' : `${r.person.ageYears.toFixed(0)} y`} (${r.person.source})`,
      ),
    ),
  );
}
