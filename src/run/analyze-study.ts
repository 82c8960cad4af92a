import type { ClinicalKnowledge } from '../clinical/clinical-knowledge.js';
import type { Person } from '../clinical/interpret-measurement.js';
import type { CohortCase } from '../io/cohort/site-cohort.js';
import type { ModelBase, Pipeline, PredictionRowBase, StudyBase, StudyRequest, Tf } from '../pipelines/pipeline.js';
import type { StudyPerson } from './study-person.js';
import { studyPerson } from './study-person.js';

export interface AnalyzedStudy<Study, Analysis> {
  study: Study;
  analysis: Analysis;
  person: StudyPerson;
  /** Why the number is not reported, undefined when it is. */
  refusal: string | undefined;
}

/**
 * The one per-case function of openbmd: read the study, analyse it with a loaded model, and say
 * whether the number stands. `analyze` explains and writes what it returns; `predict` turns it into
 * a predictions row; the service does what analyze does.
 */
export async function analyzeStudy<
  Study extends StudyBase,
  Model extends ModelBase,
  Analysis,
  TrainOptions,
  Row extends PredictionRowBase,
  Case extends CohortCase,
>(o: {
  pipeline: Pipeline<Study, Model, Analysis, TrainOptions, Row, Case>;
  tf: Tf;
  model: Model;
  request: StudyRequest;
  person: Person;
  knowledge: ClinicalKnowledge;
}): Promise<AnalyzedStudy<Study, Analysis>> {
  const study = await o.pipeline.readStudy(o.request);
  const person = studyPerson(o.person, study.identity);
  const analysis = o.pipeline.analyze(o.tf, o.model, study, {
    person: { sex: person.sex, ageYears: person.ageYears, heightCm: person.heightCm, weightKg: person.weightKg },
    knowledge: o.knowledge,
  });
  return { study, analysis, person, refusal: o.pipeline.refusal(analysis) };
}
