/**
 * Jobs BullMQ gave up on (a prompt whose workers kept dying, a job no worker would accept) have no result entry:
 * the server turns each into an error history record and an `execution_error` to its client, then removes it,
 * so no prompt silently disappears.
 */
import type { Queue } from 'bullmq';
import { parseJson } from '../../protocol/json-codec.js';
import type { ClientSink, HistoryView } from '../backend.js';
import type { HistoryEntry } from '../history-store.js';
import { queueTuple } from '../types.js';
import { entryOf, type PromptJobData } from './job-data.js';

/** Records and removes up to `limit` failed jobs; returns how many. */
export async function settleFailedJobs(queue: Queue<PromptJobData>, history: HistoryView, sink: ClientSink | undefined, limit = 50): Promise<number> {
  const failed = await queue.getJobs(['failed'], 0, limit - 1);
  let n = 0;
  for (const job of failed) {
    if (!job?.data?.promptId) continue;
    const entry = entryOf(job.data, parseJson);
    if (!(await history.get(entry.promptId))) {
      const error = {
        prompt_id: entry.promptId,
        node_id: '',
        node_type: '',
        executed: [],
        exception_message: `the queue gave up on this prompt: ${job.failedReason ?? 'unknown reason'}`,
        exception_type: 'QueueJobFailed',
        traceback: [],
        current_inputs: {},
        current_outputs: [],
        timestamp: Date.now(),
      };
      const record: HistoryEntry = {
        prompt: queueTuple(entry),
        outputs: {},
        status: { status_str: 'error', completed: false, messages: [['execution_error', error]] },
        meta: {},
      };
      await history.add(entry.promptId, record);
      const sid = typeof entry.extraData.client_id === 'string' ? entry.extraData.client_id : null;
      if (sid !== null) {
        sink?.sendJson('execution_error', error, sid);
        sink?.sendJson('executing', { node: null, prompt_id: entry.promptId }, sid);
      }
    }
    await job.remove().catch(() => {});
    n++;
  }
  return n;
}
