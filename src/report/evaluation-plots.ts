import type { TopLevelSpec } from 'vega-lite';
import { BMD_CATEGORIES, measurementInfo } from '../clinical/index.js';
import type { ClassificationMetrics, RocCurves } from '../evaluate/classification-metrics.js';
import type { MeasurementMetrics, MeasurementPairs } from '../evaluate/measurement-metrics.js';
import { linearFit } from '../stats/index.js';

/** Vega-lite specs of the evaluation report: scatter, Bland-Altman, ROC, confusion matrix. */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const SIZE = { width: 360, height: 320 };
const CATEGORY_COLOURS = ['#2e7d32', '#f9a825', '#c62828'];

function format(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function paddedDomain(values: readonly number[]): [number, number] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = (high - low) * 0.05 || Math.abs(high) * 0.05 || 1;
  return [low - pad, high + pad];
}

export function scatterSpec(pairs: MeasurementPairs, metrics: MeasurementMetrics, subtitle: string): TopLevelSpec {
  const info = measurementInfo(pairs.column);
  const points = pairs.truth.map((t, i) => ({ truth: t, predicted: pairs.predicted[i]!, caseId: pairs.caseIds[i]! }));
  const domain = paddedDomain([...pairs.truth, ...pairs.predicted]);
  const lines: { x: number; y: number; line: string }[] = [
    { x: domain[0], y: domain[0], line: 'identity' },
    { x: domain[1], y: domain[1], line: 'identity' },
  ];
  if (pairs.truth.length >= 2) {
    const fit = linearFit(pairs.truth, pairs.predicted);
    if (Number.isFinite(fit.slope)) {
      lines.push({ x: domain[0], y: fit.intercept + fit.slope * domain[0], line: 'least-squares fit' });
      lines.push({ x: domain[1], y: fit.intercept + fit.slope * domain[1], line: 'least-squares fit' });
    }
  }
  const scale = { domain, zero: false, nice: false };
  return {
    $schema: SCHEMA,
    title: {
      text: `${info.label}: openbmd vs reference`,
      subtitle: [`n = ${metrics.n}, r = ${format(metrics.pcc)}, ICC(2,1) = ${format(metrics.icc21)}, MAE = ${format(metrics.mae)} ${info.unit}`, subtitle],
    },
    ...SIZE,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale, title: `reference (${info.unit})` },
          y: { field: 'y', type: 'quantitative', scale, title: `openbmd (${info.unit})` },
          color: { field: 'line', type: 'nominal', scale: { range: ['#888888', '#1565c0'] }, legend: { orient: 'bottom-right', title: null } },
          strokeDash: {
            field: 'line',
            type: 'nominal',
            scale: {
              range: [
                [4, 4],
                [1, 0],
              ],
            },
          },
        },
      },
      {
        data: { values: points },
        mark: { type: 'circle', size: 28, opacity: 0.7, color: '#37474f' },
        encoding: {
          x: { field: 'truth', type: 'quantitative', scale },
          y: { field: 'predicted', type: 'quantitative', scale },
        },
      },
    ],
  } as TopLevelSpec;
}

export function blandAltmanSpec(pairs: MeasurementPairs, metrics: MeasurementMetrics, subtitle: string): TopLevelSpec {
  const info = measurementInfo(pairs.column);
  const points = pairs.truth.map((t, i) => ({ mean: (t + pairs.predicted[i]!) / 2, difference: pairs.predicted[i]! - t }));
  const rules = [
    { y: metrics.bias, label: `bias ${format(metrics.bias)}` },
    { y: metrics.loaLower, label: `-1.96 SD ${format(metrics.loaLower)}` },
    { y: metrics.loaUpper, label: `+1.96 SD ${format(metrics.loaUpper)}` },
  ].filter((r) => Number.isFinite(r.y));
  const bands = [metrics.loaLowerCi95, metrics.loaUpperCi95, metrics.biasCi95]
    .filter((ci) => Number.isFinite(ci[0]))
    .map((ci) => ({ low: ci[0], high: ci[1] }));
  const yDomain = paddedDomain([...points.map((p) => p.difference), ...rules.map((r) => r.y), ...bands.flatMap((b) => [b.low, b.high])]);
  return {
    $schema: SCHEMA,
    title: {
      text: `${info.label}: Bland-Altman`,
      subtitle: [
        `bias ${format(metrics.bias)} ${info.unit}, 95 % limits ${format(metrics.loaLower)} to ${format(metrics.loaUpper)} (shaded: 95 % CIs)`,
        subtitle,
      ],
    },
    ...SIZE,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', color: '#90caf9', opacity: 0.35 },
        encoding: { y: { field: 'low', type: 'quantitative', scale: { domain: yDomain, zero: false } }, y2: { field: 'high' } },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', color: '#1565c0', strokeDash: [5, 3] },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: rules },
        mark: { type: 'text', align: 'right', dy: -6, x: SIZE.width - 4, color: '#0d47a1', fontSize: 10 },
        encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
      },
      {
        data: { values: points },
        mark: { type: 'circle', size: 28, opacity: 0.7, color: '#37474f' },
        encoding: {
          x: { field: 'mean', type: 'quantitative', scale: { zero: false }, title: `mean of openbmd and reference (${info.unit})` },
          y: { field: 'difference', type: 'quantitative', title: `openbmd - reference (${info.unit})` },
        },
      },
    ],
  } as TopLevelSpec;
}

export function rocSpec(curves: RocCurves, metrics: ClassificationMetrics, subtitle: string): TopLevelSpec {
  const values = BMD_CATEGORIES.flatMap((category) => {
    const perClass = metrics.perClass[category];
    const label = `${category} vs rest: AUC ${format(perClass.auc)} (${format(perClass.aucCi95[0])}-${format(perClass.aucCi95[1])})`;
    return (curves[category] ?? []).map((p, order) => ({ fpr: 1 - p.specificity, tpr: p.sensitivity, label, order }));
  });
  return {
    $schema: SCHEMA,
    title: { text: 'ROC, one vs rest (DeLong 95 % CI)', subtitle: [`score: ${metrics.aucScore ?? 'none'}`, subtitle] },
    ...SIZE,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', color: '#9e9e9e', strokeDash: [4, 4] },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: '1 - specificity', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'sensitivity', scale: { domain: [0, 1] } },
          order: { field: 'order', sort: 'descending' },
          color: {
            field: 'label',
            type: 'nominal',
            legend: { orient: 'bottom', direction: 'vertical', title: null, labelLimit: 400 },
            scale: { range: CATEGORY_COLOURS },
          },
        },
      },
    ],
  } as TopLevelSpec;
}

export function confusionSpec(metrics: ClassificationMetrics, subtitle: string): TopLevelSpec {
  const cells = metrics.classes.flatMap((truth, i) =>
    metrics.classes.map((predicted, j) => {
      const count = metrics.confusionMatrix[i]![j]!;
      const rowTotal = metrics.confusionMatrix[i]!.reduce((a, b) => a + b, 0);
      return { truth, predicted, count, share: rowTotal === 0 ? 0 : count / rowTotal };
    }),
  );
  const order = [...metrics.classes];
  return {
    $schema: SCHEMA,
    title: {
      text: 'Confusion matrix (rows: reference)',
      subtitle: [
        `accuracy ${format(metrics.accuracy)} (${format(metrics.accuracyCi95[0])}-${format(metrics.accuracyCi95[1])}), kappa ${format(metrics.kappa)}, n = ${metrics.n}`,
        subtitle,
      ],
    },
    width: 300,
    height: 300,
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'openbmd category', axis: { labelAngle: 0 } },
      y: { field: 'truth', type: 'nominal', sort: order, title: 'reference category' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: { color: { field: 'share', type: 'quantitative', scale: { scheme: 'blues', domain: [0, 1] }, legend: { title: 'row share' } } },
      },
      {
        mark: { type: 'text', fontSize: 16 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
}
