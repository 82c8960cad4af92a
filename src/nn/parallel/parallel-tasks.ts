import { availableParallelism } from 'node:os';
import { NnWorkerProcess } from './nn-worker-process.js';

/** A function exported by an openbmd module, run in a worker process with structured-clone arguments. */
export interface WorkerTask<A> {
  moduleUrl: string;
  exportName: string;
  args: A;
}

/**
 * Runs tasks (cross-validation folds, shares of an inference batch) on `processes` worker processes,
 * each with its own TensorFlow.js instance, one task per process at a time; results come back in
 * task order (`onResult` hears each as it arrives, for progress). A failing task rejects with its own
 * error, and the other workers are stopped.
 */
export async function runTasksInWorkers<A, R>(
  tasks: WorkerTask<A>[],
  processes = Math.min(2, availableParallelism()),
  onResult?: (index: number, result: R) => void,
): Promise<R[]> {
  const workers = Array.from({ length: Math.max(1, Math.min(processes, tasks.length)) }, () => new NnWorkerProcess());
  const results: R[] = new Array<R>(tasks.length);
  let next = 0;
  try {
    await Promise.all(
      workers.map(async (worker) => {
        while (next < tasks.length) {
          const index = next++;
          const task = tasks[index]!;
          const reply = await worker.request({ type: 'task', moduleUrl: task.moduleUrl, exportName: task.exportName, args: task.args });
          if (reply.type === 'result') {
            results[index] = reply.value as R;
            onResult?.(index, results[index]);
          }
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
