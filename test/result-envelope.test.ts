// The result envelope: a refused analysis carries no number and no category, whatever the pipeline's summary holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadClinicalKnowledge } from '../src/clinical/clinical-knowledge.js';
import { interpretMeasurement } from '../src/clinical/interpret-measurement.js';
import { modelDescriptionSchema } from '../src/nn/model-folder/model-description.js';
import type { EnvelopeParts } from '../src/report/result-envelope.js';
import { resultEnvelope, resultEnvelopeSchema } from '../src/report/result-envelope.js';

function parts(refusal: string | undefined): EnvelopeParts {
  const model = modelDescriptionSchema.parse(JSON.parse(readFileSync(new URL('../../models/ct-spine/model.json', import.meta.url), 'utf8')));
  const interpretation = interpretMeasurement(loadClinicalKnowledge(), 'spine_vbmd', 101.9, { sex: 'M', ageYears: 67 });
  return {
    pipeline: 'ct-spine',
    method: 'test',
    inputs: ['series'],
    uids: { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', sopInstanceUid: undefined },
    simulated: true,
    phantom: null,
    person: { sex: 'M', ageYears: 67, source: 'test' },
    summary: {
      measurements: [{ column: 'spine_vbmd', value: 101.9, unit: 'mg/cm3', method: 'phantomless: mean of L1 and L2' }],
      interpretation,
      qcFlags: refusal === undefined ? [] : ['level-order-inconsistent'],
      details: {},
    },
    refusingFlags: ['level-order-inconsistent'],
    refusal,
    model,
    provenance: ['test'],
  };
}

test('a refused analysis: the envelope holds no value and no category, only the refusal and its flags', () => {
  const kept = resultEnvelopeSchema.parse(resultEnvelope(parts(undefined)));
  assert.equal(kept.measurements[0]!.value, 101.9);
  assert.equal(kept.interpretation?.category, 'osteopenia');
  const refused = resultEnvelopeSchema.parse(resultEnvelope(parts('no vBMD (level-order-inconsistent)')));
  assert.equal(refused.measurements[0]!.value, null);
  assert.equal(refused.measurements[0]!.column, 'spine_vbmd');
  assert.equal(refused.interpretation, null);
  assert.equal(refused.refusal, 'no vBMD (level-order-inconsistent)');
  assert.deepEqual(refused.qcFlags, [{ flag: 'level-order-inconsistent', refusesNumber: true }]);
});
