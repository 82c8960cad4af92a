// Statistics checked against R: psych::ICC (lmer = FALSE), pROC (AUC, DeLong CI, paired DeLong
// test, Youden), cor.test, lm, t.test, binom.test and prop.test. Data sets are generated here with a
// seed, plus pROC's own aSAH clinical data set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SeededRandom } from '../src/core/seeded-random.js';
import {
  aucWithDeLong,
  blandAltman,
  clopperPearsonInterval,
  intraclassCorrelations,
  linearFit,
  pairedDeLongTest,
  pearsonCorrelation,
  rocCurve,
  splitByLabel,
  wilsonInterval,
  youdenCutoff,
} from '../src/stats/index.js';
import { rPackagesMissing, rValue, runR, writeNumericCsv } from './helpers/r-reference.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const skipPsych = announceSkip(rPackagesMissing(['psych']));
const skipProc = announceSkip(rPackagesMissing(['pROC']));
const skipR = announceSkip(rPackagesMissing([]));
const TOLERANCE = 1e-6;

function near(actual: number, expected: number, what: string, tolerance = TOLERANCE): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: openbmd ${actual} vs R ${expected}`);
}

/** Shrout & Fleiss (1979), Table 2: six targets rated by four judges. */
const SHROUT_FLEISS = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

function iccScript(csv: string): string {
  return `
suppressPackageStartupMessages(library(psych))
x <- read.csv("${csv}")
r <- ICC(x, lmer = FALSE)$results
emit("icc", r$ICC); emit("f", r$F); emit("df1", r$df1); emit("df2", r$df2); emit("p", r$p)
emit("lower", r[["lower bound"]]); emit("upper", r[["upper bound"]])`;
}

function checkIccAgainstR(ratings: number[][], label: string): void {
  const folder = tempDir();
  const csv = join(folder, 'ratings.csv');
  const columns: Record<string, number[]> = {};
  ratings[0]!.forEach((_, j) => (columns[`r${j}`] = ratings.map((row) => row[j]!)));
  writeNumericCsv(csv, columns);
  const reference = runR(iccScript(csv), folder);
  intraclassCorrelations(ratings).forEach((estimate, index) => {
    const at = `[${index + 1}]`;
    near(estimate.icc, rValue(reference, `icc${at}`), `${label} ${estimate.form} ICC`);
    near(estimate.f, rValue(reference, `f${at}`), `${label} ${estimate.form} F`);
    near(estimate.df2, rValue(reference, `df2${at}`), `${label} ${estimate.form} df2`);
    near(estimate.p, rValue(reference, `p${at}`), `${label} ${estimate.form} p`);
    near(estimate.ci95[0], rValue(reference, `lower${at}`), `${label} ${estimate.form} lower`);
    near(estimate.ci95[1], rValue(reference, `upper${at}`), `${label} ${estimate.form} upper`);
  });
}

test('ICC: Shrout & Fleiss six-by-four table gives the published 0.17, 0.29, 0.71 and matches psych::ICC', { skip: skipPsych }, () => {
  const [icc1, icc2, icc3, icc1k, icc2k, icc3k] = intraclassCorrelations(SHROUT_FLEISS);
  assert.equal(icc1!.icc.toFixed(2), '0.17');
  assert.equal(icc2!.icc.toFixed(2), '0.29');
  assert.equal(icc3!.icc.toFixed(2), '0.71');
  // The average-rater forms published in the same table.
  assert.equal(icc1k!.icc.toFixed(2), '0.44');
  assert.equal(icc2k!.icc.toFixed(2), '0.62');
  assert.equal(icc3k!.icc.toFixed(2), '0.91');
  checkIccAgainstR(SHROUT_FLEISS, 'Shrout-Fleiss');
});

test('ICC: all six forms and their F-based CIs match psych::ICC on generated data (2, 3 and 5 raters)', { skip: skipPsych }, () => {
  const random = new SeededRandom(31);
  for (const [subjects, raters] of [
    [40, 2],
    [15, 3],
    [8, 5],
  ] as const) {
    const ratings = Array.from({ length: subjects }, () => {
      const trueValue = 0.8 + 0.15 * random.nextNormal();
      return Array.from({ length: raters }, (_, j) => trueValue + 0.02 * j + 0.05 * random.nextNormal());
    });
    checkIccAgainstR(ratings, `${subjects}x${raters}`);
  }
});

function generatedScores(seed: number, n: number, roundTo: number): { labels: boolean[]; a: number[]; b: number[] } {
  const random = new SeededRandom(seed);
  const labels: boolean[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const positive = random.nextFloat() < 0.35;
    const latent = (positive ? 1 : 0) + random.nextNormal();
    labels.push(positive);
    // Rounding creates ties, which DeLong counts as half.
    a.push(Math.round((latent + 0.6 * random.nextNormal()) / roundTo) * roundTo);
    b.push(Math.round((latent + 1.2 * random.nextNormal()) / roundTo) * roundTo);
  }
  return { labels, a, b };
}

const PROC_SCRIPT = (csv: string): string => `
suppressPackageStartupMessages(library(pROC))
d <- read.csv("${csv}")
ra <- roc(d$label, d$a, levels = c(0, 1), direction = "<", quiet = TRUE)
rb <- roc(d$label, d$b, levels = c(0, 1), direction = "<", quiet = TRUE)
emit("aucA", auc(ra)); emit("ciA", ci.auc(ra, method = "delong"))
emit("varA", var(ra, method = "delong"))
emit("aucB", auc(rb)); emit("ciB", ci.auc(rb, method = "delong"))
t <- roc.test(ra, rb, method = "delong", paired = TRUE)
emit("z", t$statistic); emit("p", t$p.value)
best <- coords(ra, "best", best.method = "youden", ret = c("threshold", "sensitivity", "specificity"), transpose = TRUE)
emit("youden", best)`;

test('AUC, DeLong CI, paired DeLong test and Youden cut-off match pROC on generated data with ties', { skip: skipProc }, () => {
  let youdenCompared = 0;
  for (const [seed, n, roundTo] of [
    [5, 120, 0.25],
    [17, 60, 0.5],
    [23, 300, 0.001],
  ] as const) {
    const { labels, a, b } = generatedScores(seed, n, roundTo);
    const folder = tempDir();
    const csv = join(folder, 'scores.csv');
    writeNumericCsv(csv, { label: labels.map(Number), a, b });
    const reference = runR(PROC_SCRIPT(csv), folder);
    const aucA = aucWithDeLong(a, labels);
    const aucB = aucWithDeLong(b, labels);
    const what = `seed ${seed}`;
    near(aucA.auc, rValue(reference, 'aucA'), `${what} AUC a`);
    near(aucA.variance, rValue(reference, 'varA'), `${what} DeLong variance a`, 1e-9);
    near(aucA.ci95[0], rValue(reference, 'ciA[1]'), `${what} CI lower a`);
    near(aucA.ci95[1], rValue(reference, 'ciA[3]'), `${what} CI upper a`);
    near(aucB.auc, rValue(reference, 'aucB'), `${what} AUC b`);
    near(aucB.ci95[0], rValue(reference, 'ciB[1]'), `${what} CI lower b`);
    near(aucB.ci95[1], rValue(reference, 'ciB[3]'), `${what} CI upper b`);
    const paired = pairedDeLongTest(a, b, labels);
    near(paired.z, rValue(reference, 'z'), `${what} paired z`);
    near(paired.p, rValue(reference, 'p'), `${what} paired p`);
    const youden = youdenCutoff(rocCurve(splitByLabel(a, labels)));
    assert.ok(youden !== undefined);
    if (reference.has('youden[1]') && !reference.has('youden[4]')) {
      near(youden.threshold, rValue(reference, 'youden[1]'), `${what} Youden threshold`);
      near(youden.sensitivity, rValue(reference, 'youden[2]'), `${what} Youden sensitivity`);
      near(youden.specificity, rValue(reference, 'youden[3]'), `${what} Youden specificity`);
      youdenCompared += 1;
    }
  }
  assert.ok(youdenCompared >= 2, `Youden compared on ${youdenCompared} data sets (pROC reports ties as several rows)`);
});

test('pROC aSAH (real clinical data): s100b, ndka and wfns AUCs, CIs and paired tests match pROC', { skip: skipProc }, () => {
  const folder = tempDir();
  const csv = join(folder, 'asah.csv');
  const reference = runR(
    `
suppressPackageStartupMessages(library(pROC))
data(aSAH)
write.csv(data.frame(poor = as.integer(aSAH$outcome == "Poor"), s100b = aSAH$s100b, ndka = aSAH$ndka,
  wfns = as.numeric(aSAH$wfns)), "${csv}", row.names = FALSE)
for (m in c("s100b", "ndka", "wfns")) {
  r <- roc(aSAH$outcome, as.numeric(aSAH[[m]]), levels = c("Good", "Poor"), direction = "<", quiet = TRUE)
  emit(paste0(m, ".auc"), auc(r)); emit(paste0(m, ".ci"), ci.auc(r, method = "delong"))
}
r1 <- roc(aSAH$outcome, aSAH$s100b, levels = c("Good", "Poor"), direction = "<", quiet = TRUE)
r2 <- roc(aSAH$outcome, aSAH$ndka, levels = c("Good", "Poor"), direction = "<", quiet = TRUE)
r3 <- roc(aSAH$outcome, as.numeric(aSAH$wfns), levels = c("Good", "Poor"), direction = "<", quiet = TRUE)
emit("p12", roc.test(r1, r2, method = "delong")$p.value)
emit("p13", roc.test(r1, r3, method = "delong")$p.value)`,
    folder,
  );
  const rows = readFileSync(csv, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
  assert.equal(rows.length, 113, 'aSAH has 113 patients');
  const poor = rows.map((r) => r[0] === 1);
  const columns = { s100b: rows.map((r) => r[1]!), ndka: rows.map((r) => r[2]!), wfns: rows.map((r) => r[3]!) };
  for (const [name, scores] of Object.entries(columns)) {
    const estimate = aucWithDeLong(scores, poor);
    near(estimate.auc, rValue(reference, `${name}.auc`), `${name} AUC`);
    near(estimate.ci95[0], rValue(reference, `${name}.ci[1]`), `${name} CI lower`);
    near(estimate.ci95[1], rValue(reference, `${name}.ci[3]`), `${name} CI upper`);
  }
  // The figure pROC's documentation prints for s100b.
  assert.equal(aucWithDeLong(columns.s100b, poor).auc.toFixed(4), '0.7314');
  near(pairedDeLongTest(columns.s100b, columns.ndka, poor).p, rValue(reference, 'p12'), 's100b vs ndka p');
  near(pairedDeLongTest(columns.s100b, columns.wfns, poor).p, rValue(reference, 'p13'), 's100b vs wfns p');
});

test('AUC CI is clipped at 1 as pROC clips it (near-perfect separation)', { skip: skipProc }, () => {
  const labels = [false, false, false, false, true, true, true, true, true];
  const scores = [0.1, 0.2, 0.3, 0.65, 0.6, 0.7, 0.8, 0.9, 0.95];
  const folder = tempDir();
  const csv = join(folder, 'clip.csv');
  writeNumericCsv(csv, { label: labels.map(Number), a: scores });
  const reference = runR(
    `suppressPackageStartupMessages(library(pROC)); d <- read.csv("${csv}")
r <- roc(d$label, d$a, levels = c(0, 1), direction = "<", quiet = TRUE); emit("ci", ci.auc(r, method = "delong"))`,
    folder,
  );
  const estimate = aucWithDeLong(scores, labels);
  assert.equal(estimate.ci95[1], 1);
  near(estimate.ci95[0], rValue(reference, 'ci[1]'), 'clipped CI lower');
  near(estimate.ci95[1], rValue(reference, 'ci[3]'), 'clipped CI upper');
});

test('Pearson r with Fisher CI, linear fit, Bland-Altman and proportion CIs match R (cor.test, lm, t.test, binom.test, prop.test)', { skip: skipR }, () => {
  const random = new SeededRandom(77);
  const truth = Array.from({ length: 50 }, () => 0.9 + 0.12 * random.nextNormal());
  const predicted = truth.map((t) => 0.1 + 0.85 * t + 0.05 * random.nextNormal());
  const folder = tempDir();
  const csv = join(folder, 'pairs.csv');
  writeNumericCsv(csv, { truth, predicted });
  const reference = runR(
    `d <- read.csv("${csv}")
ct <- cor.test(d$predicted, d$truth); emit("r", ct$estimate); emit("rci", ct$conf.int)
m <- lm(truth ~ predicted, data = d); s <- summary(m)
emit("coef", coef(m)); emit("sigma", s$sigma); emit("r2", s$r.squared); emit("slopeci", confint(m)[2, ])
emit("slopep", s$coefficients[2, 4])
diff <- d$predicted - d$truth; tt <- t.test(diff); emit("biasci", tt$conf.int)
avg <- (d$predicted + d$truth) / 2; pb <- summary(lm(diff ~ avg)); emit("pbslope", pb$coefficients[2, 1]); emit("pbp", pb$coefficients[2, 4])
emit("cp", binom.test(7, 23)$conf.int); emit("cp0", binom.test(0, 12)$conf.int); emit("cpall", binom.test(12, 12)$conf.int)
emit("wilson", prop.test(7, 23, correct = FALSE)$conf.int)`,
    folder,
  );
  const r = pearsonCorrelation(predicted, truth);
  near(r.r, rValue(reference, 'r'), 'r');
  near(r.ci95[0], rValue(reference, 'rci[1]'), 'r CI lower');
  near(r.ci95[1], rValue(reference, 'rci[2]'), 'r CI upper');
  const fit = linearFit(predicted, truth);
  near(fit.intercept, rValue(reference, 'coef[1]'), 'intercept');
  near(fit.slope, rValue(reference, 'coef[2]'), 'slope');
  near(fit.see, rValue(reference, 'sigma'), 'SEE');
  near(fit.r2, rValue(reference, 'r2'), 'R^2');
  near(fit.slopeCi95[0], rValue(reference, 'slopeci[1]'), 'slope CI lower');
  near(fit.slopeCi95[1], rValue(reference, 'slopeci[2]'), 'slope CI upper');
  near(fit.slopeP, rValue(reference, 'slopep'), 'slope p', 1e-9);
  const agreement = blandAltman(predicted, truth);
  near(agreement.biasCi95[0], rValue(reference, 'biasci[1]'), 'bias CI lower');
  near(agreement.biasCi95[1], rValue(reference, 'biasci[2]'), 'bias CI upper');
  near(agreement.proportionalBiasSlope, rValue(reference, 'pbslope'), 'proportional bias slope');
  near(agreement.proportionalBiasP, rValue(reference, 'pbp'), 'proportional bias p');
  const cp = clopperPearsonInterval(7, 23);
  near(cp[0], rValue(reference, 'cp[1]'), 'Clopper-Pearson lower');
  near(cp[1], rValue(reference, 'cp[2]'), 'Clopper-Pearson upper');
  near(clopperPearsonInterval(0, 12)[1], rValue(reference, 'cp0[2]'), 'Clopper-Pearson 0/12 upper');
  near(clopperPearsonInterval(12, 12)[0], rValue(reference, 'cpall[1]'), 'Clopper-Pearson 12/12 lower');
  const wilson = wilsonInterval(7, 23);
  near(wilson[0], rValue(reference, 'wilson[1]'), 'Wilson lower');
  near(wilson[1], rValue(reference, 'wilson[2]'), 'Wilson upper');
});
