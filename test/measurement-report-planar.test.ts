// The SR writer's planar regions (TID 1410), read back by pydicom (an independent DICOM reader) and
// checked by dciodvfy: a closed polyline on the referenced image, the numbers as written, and the
// report's evidence listing every source series.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeMeasurementReport } from '../src/io/dicom/write/write-measurement-report.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip, commandMissing } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const DX = '1.2.840.10008.5.1.4.1.1.1.1';
const ap = { sopClassUid: DX, sopInstanceUid: '2.25.1001' };
const lat = { sopClassUid: DX, sopInstanceUid: '2.25.1002' };
const dir = tempDir('planar-sr');
const file = join(dir, 'sr.dcm');

const written = writeMeasurementReport(file, {
  identity: { patientId: 'P1', studyInstanceUid: '2.25.9000' },
  seriesDescription: 'planar test',
  sourceSeries: [
    { seriesInstanceUid: '2.25.2001', images: [ap] },
    { seriesInstanceUid: '2.25.2002', images: [lat] },
  ],
  procedure: { value: '168537006', scheme: 'SCT', meaning: 'Plain radiography' },
  groups: [
    {
      trackingIdentifier: 'L2 body',
      findingSite: { value: '14293000', scheme: 'SCT', meaning: 'L2 vertebra' },
      region: {
        kind: 'planar',
        image: lat,
        polylinePx: [
          [10.5, 20.5],
          [40.5, 20.5],
          [40.5, 52.5],
          [10.5, 52.5],
        ],
      },
      numbers: [
        { concept: { value: '103355008', scheme: 'SCT', meaning: 'Width' }, value: 30.25, unit: { value: 'mm', scheme: 'UCUM', meaning: 'millimeter' } },
      ],
    },
  ],
  summary: undefined,
  deviceObserverUid: '2.25.77',
  deviceObserverName: 'test',
});

const skipPydicom = announceSkip(pythonModulesMissing(['pydicom'], 'python3-pydicom'));
test('a planar group: TID 1410, a closed polyline on the image it names, its number; both series in the evidence', { skip: skipPydicom }, async () => {
  await written;
  const sr = runPythonJson<{ templates: string[]; graphic: number[]; type: string; image: string; width: number; series: string[] }>(
    [
      'import sys, json, pydicom',
      'd = pydicom.dcmread(json.load(sys.stdin))',
      'm = [c for c in d.ContentSequence if c.ConceptNameCodeSequence[0].CodeValue == "126010"][0]',
      'g = m.ContentSequence[0]',
      's = [c for c in g.ContentSequence if c.ValueType == "SCOORD"][0]',
      'n = [c for c in g.ContentSequence if c.ValueType == "NUM"][0]',
      'print(json.dumps({"templates": [t.TemplateIdentifier for t in g.ContentTemplateSequence], "graphic": [float(v) for v in s.GraphicData], "type": s.GraphicType,',
      ' "image": s.ContentSequence[0].ReferencedSOPSequence[0].ReferencedSOPInstanceUID, "width": float(n.MeasuredValueSequence[0].NumericValue),',
      ' "series": [r.SeriesInstanceUID for r in d.CurrentRequestedProcedureEvidenceSequence[0].ReferencedSeriesSequence]}))',
    ].join('\n'),
    file,
  );
  assert.deepEqual(sr.templates, ['1410']);
  assert.equal(sr.type, 'POLYLINE');
  assert.deepEqual(sr.graphic, [10.5, 20.5, 40.5, 20.5, 40.5, 52.5, 10.5, 52.5, 10.5, 20.5]);
  assert.equal(sr.image, lat.sopInstanceUid);
  assert.equal(sr.width, 30.25);
  assert.deepEqual(sr.series, ['2.25.2001', '2.25.2002']);
});

const skipDciodvfy = announceSkip(commandMissing('dciodvfy', 'dicom3tools'));
test('a planar report passes dciodvfy without errors', { skip: skipDciodvfy }, async () => {
  await written;
  const check = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  const errors = `${check.stdout}${check.stderr}`.split('\n').filter((line) => line.startsWith('Error'));
  assert.deepEqual(errors, []);
});
