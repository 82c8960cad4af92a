// The reports' PNG encoder against two independent decoders: fast-png's and OpenCV's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode } from 'fast-png';
import { SeededRandom } from '../src/core/seeded-random.js';
import { encodePng, encodePngAsync } from '../src/io/png-encode.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';

const skip = announceSkip(pythonModulesMissing(['cv2', 'numpy'], 'python3-opencv'));

/** A raster with smooth ramps (the Up filter's case), noise (its worst) and both extremes of a byte. */
function raster(width: number, height: number, channels: 1 | 3, seed: number): Uint8Array {
  const random = new SeededRandom(seed);
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = i % 7 === 0 ? Math.floor(256 * random.nextFloat()) : (i * 3 + Math.floor(i / (width * channels))) & 0xff;
  data[0] = 0;
  data[data.length - 1] = 255;
  return data;
}

test('encodePng: grey and RGB rasters of odd sizes decode to the same bytes (fast-png)', () => {
  for (const [width, height, channels] of [
    [1, 1, 1],
    [37, 23, 1],
    [37, 23, 3],
    [640, 3, 3],
  ] as const) {
    const data = raster(width, height, channels, width + height);
    const decoded = decode(encodePng({ width, height, channels, data }));
    assert.equal(decoded.width, width);
    assert.equal(decoded.height, height);
    assert.equal(decoded.channels, channels);
    assert.equal(decoded.depth, 8);
    assert.deepEqual(Uint8Array.from(decoded.data), data, `${width} x ${height} x ${channels}`);
  }
  assert.throws(() => encodePng({ width: 4, height: 4, channels: 3, data: new Uint8Array(47) }), RangeError);
});

test('encodePng: OpenCV reads the same pixels (BGR order) at every compression level', { skip }, () => {
  const width = 53;
  const height = 31;
  const data = raster(width, height, 3, 9);
  const images = [1, 6, 9].map((level) => Buffer.from(encodePng({ width, height, channels: 3, data }, level)).toString('base64'));
  const read = runPythonJson<number[][]>(
    `
import sys, json, base64, numpy as np, cv2
out = []
for b in json.load(sys.stdin):
    image = cv2.imdecode(np.frombuffer(base64.b64decode(b), np.uint8), cv2.IMREAD_UNCHANGED)
    out.append(cv2.cvtColor(image, cv2.COLOR_BGR2RGB).ravel().tolist())
print(json.dumps(out))
`,
    images,
  );
  for (const pixels of read) assert.deepEqual(pixels, Array.from(data));
});

test('encodePngAsync (compressed on the thread pool) writes the same bytes as encodePng', async () => {
  for (const [width, height, channels] of [
    [1, 1, 1],
    [37, 23, 3],
    [640, 3, 1],
  ] as const) {
    const data = raster(width, height, channels, width * height);
    for (const level of [1, 4, 9])
      assert.deepEqual(await encodePngAsync({ width, height, channels, data }, level), encodePng({ width, height, channels, data }, level));
  }
  await assert.rejects(encodePngAsync({ width: 4, height: 4, channels: 3, data: new Uint8Array(47) }), RangeError);
});
