// A worker process of the in-process queue: it takes one AnalysisJob at a time from its parent
// and answers with progress lines and one done or failed reply. Its own process, so a hostile or
// huge study cannot stall the HTTP server, and a crash or a timeout loses the process, not the server.
import type { AnalysisJob, AnalysisReply } from './analysis-messages.js';
import { runAnalysisJob } from './run-analysis-job.js';

const send = (reply: AnalysisReply): void => void process.send?.(reply);

process.on('message', (job: AnalysisJob) => {
  void runAnalysisJob(job, (line) => send({ kind: 'progress', studyId: job.studyId, line })).then(send);
});
process.on('disconnect', () => process.exit(0));
