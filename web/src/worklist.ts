import type { WorklistEntry } from './api.js';
import { el } from './dom.js';

/** DICOM PN (Family^Given^...) as "Family, Given"; shown as text whatever it holds. */
export function personName(pn: string | null): string {
  if (pn === null || pn === '') return '(no name)';
  const [family = '', given = ''] = pn.split('^');
  return given === '' ? family : `${family}, ${given}`;
}

/** yyyymmdd as yyyy-mm-dd. */
export function studyDateText(date: string | null): string {
  return date !== null && /^\d{8}$/.test(date) ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}` : (date ?? '—');
}

/** The worklist's rows; a click selects the study. */
export function worklistRows(o: { studies: WorklistEntry[]; selected: string | undefined; onSelect: (id: string) => void }): HTMLTableRowElement[] {
  return o.studies.map((s) => {
    const row = el(
      'tr',
      { class: `status-${s.status}${s.id === o.selected ? ' selected' : ''}`, 'data-id': s.id, tabindex: '0' },
      el('td', { class: 'patient' }, personName(s.patientName), s.patientId === null ? null : el('span', { class: 'note' }, ` ${s.patientId}`)),
      el('td', {}, studyDateText(s.studyDate)),
      el('td', {}, s.site ?? '—'),
      el('td', {}, el('span', { class: `badge ${s.status}` }, s.status), s.simulated === true ? el('span', { class: 'badge simulated' }, 'SIMULATED') : null),
      el('td', {}, s.refused === true ? 'not reported' : (s.category ?? '—')),
      el('td', { class: 'flags' }, s.qcFlags.join(', ')),
    );
    row.addEventListener('click', () => o.onSelect(s.id));
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') o.onSelect(s.id);
    });
    return row;
  });
}
