import type { StudyDetail } from './api.js';
import { el, svg } from './dom.js';

/** One visit's value of one measurement. */
export interface TrendPoint {
  studyDate: string;
  value: number;
  current: boolean;
}

const W = 420;
const H = 170;
const M = { left: 52, right: 12, top: 12, bottom: 30 };

/** yyyymmdd -> days since epoch (x axis); undefined for a missing or malformed date. */
function dayOf(date: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  return m === null ? undefined : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** The patient's primary measurement over visits: one point per done study, the open study ringed. */
export function trendPlot(o: { measurement: string; unit: string; points: TrendPoint[] }): HTMLElement {
  const placed = o.points.map((p) => ({ ...p, day: dayOf(p.studyDate) })).filter((p): p is TrendPoint & { day: number } => p.day !== undefined);
  if (placed.length < 2) return el('p', { class: 'note' }, `${o.measurement}: one visit so far; the trend appears with the next.`);
  const days = placed.map((p) => p.day);
  const values = placed.map((p) => p.value);
  const [d0, d1] = [Math.min(...days), Math.max(...days)];
  const pad = (Math.max(...values) - Math.min(...values)) * 0.15 || Math.abs(values[0]!) * 0.05 || 1;
  const [v0, v1] = [Math.min(...values) - pad, Math.max(...values) + pad];
  const x = (d: number): number => M.left + ((d - d0) / Math.max(1, d1 - d0)) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - ((v - v0) / (v1 - v0)) * (H - M.top - M.bottom);
  const path = placed.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.day).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const label = (date: string): string => `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
  const plot = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'trend', role: 'img', 'aria-label': `${o.measurement} over visits` },
    svg('line', { x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom, class: 'axis' }),
    svg('line', { x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom, class: 'axis' }),
    svg('text', { x: 4, y: y(v1) + 4, class: 'tick' }, v1.toFixed(3)),
    svg('text', { x: 4, y: y(v0), class: 'tick' }, v0.toFixed(3)),
    svg('text', { x: M.left, y: H - 8, class: 'tick' }, label(placed[0]!.studyDate)),
    svg('text', { x: W - M.right, y: H - 8, class: 'tick', 'text-anchor': 'end' }, label(placed[placed.length - 1]!.studyDate)),
    svg('path', { d: path, class: 'line' }),
    ...placed.map((p) =>
      svg(
        'circle',
        { cx: x(p.day), cy: y(p.value), r: p.current ? 5 : 3.5, class: p.current ? 'point current' : 'point' },
        svg('title', {}, `${label(p.studyDate)}: ${p.value.toFixed(3)} ${o.unit}`),
      ),
    ),
  );
  return el(
    'figure',
    { class: 'trend-figure', 'data-testid': 'trend' },
    plot,
    el('figcaption', {}, `${o.measurement} (${o.unit}) over ${placed.length} visits`),
  );
}

/** The trend points of a patient's done studies for the open study's primary measurement. */
export function trendPoints(current: StudyDetail, visits: StudyDetail[]): { measurement: string; unit: string; points: TrendPoint[] } | undefined {
  const primary = current.result?.measurements[0];
  if (primary === undefined) return undefined;
  const points = visits.flatMap((v) => {
    const m = v.result?.measurements.find((x) => x.column === primary.column);
    return m?.value === null || m?.value === undefined || v.studyDate === null
      ? []
      : [{ studyDate: v.studyDate, value: m.value, current: v.id === current.id }];
  });
  return { measurement: primary.column, unit: primary.unit, points };
}
