import { parentPort } from 'node:worker_threads';
import { OpenBmdError, describeThrown } from '../core/errors.js';
import type { SimulateJob } from './simulate-job.js';
import { runSimulationCase } from './simulate-job.js';

/** Worker thread: simulates the cases the main thread sends, one at a time. */
parentPort?.on('message', (message: { job: SimulateJob; index: number }) => {
  runSimulationCase(message.job, message.index).then(
    (result) => parentPort?.postMessage({ index: message.index, result }),
    (thrown: unknown) =>
      parentPort?.postMessage({
        index: message.index,
        error: { code: thrown instanceof OpenBmdError ? thrown.code : 'INTERNAL', message: describeThrown(thrown) },
      }),
  );
});
