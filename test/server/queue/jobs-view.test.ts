/** The job view of queue tuples and history records (ComfyUI's comfy_execution/jobs.py). */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../server/queue/history-store.js';
import { historyJob, listJobs, outputsSummary, queueJob } from '../../../server/queue/jobs-view.js';
import type { QueueTuple } from '../../../server/queue/types.js';

const tuple = (n: number, id: string, create: number, workflowId?: string): QueueTuple =>
  [n, id, {}, { create_time: create, ...(workflowId ? { extra_pnginfo: { workflow: { id: workflowId } } } : {}) }, []];

function entry(id: string, create: number, kind: 'success' | 'error' | 'interrupted', outputs: HistoryEntry['outputs'] = {}): HistoryEntry {
  const end = kind === 'success' ? 'execution_success' : kind === 'error' ? 'execution_error' : 'execution_interrupted';
  return {
    prompt: tuple(1, id, create),
    outputs,
    status: {
      status_str: kind === 'success' ? 'success' : 'error', completed: kind === 'success',
      messages: [['execution_start', { prompt_id: id, timestamp: create + 10 }], [end, { prompt_id: id, timestamp: create + 25, ...(kind === 'error' ? { node_id: '2' } : {}) }]],
    },
    meta: {},
  };
}

describe('outputsSummary', () => {
  it('counts dict items, skips "animated", prefers a type=output previewable item over a temp one', () => {
    const s = outputsSummary({
      '5': { images: [{ filename: 't.png', type: 'temp' }], animated: [true] },
      '6': { text: ['not a dict'], images: [{ filename: 'o.png', type: 'output' }] },
      '7': { meshes: [{ filename: 'm.GLB', type: 'output' }] },
    });
    expect(s.count).toBe(3);
    expect(s.preview).toEqual({ filename: 'o.png', type: 'output', nodeId: '6', mediaType: 'images' });
  });

  it('falls back to the first previewable non-output item; none when nothing is previewable', () => {
    expect(outputsSummary({ '1': { images: [{ filename: 't.png', type: 'temp' }] } }).preview?.filename).toBe('t.png');
    expect(outputsSummary({ '1': { scores: [{ value: 1 }] } })).toEqual({ count: 1, preview: undefined });
  });
});

describe('queueJob / historyJob', () => {
  it('a queue tuple becomes a job without absent fields', () => {
    expect(queueJob(tuple(3, 'a', 100, 'wf'), 'pending')).toEqual({ id: 'a', status: 'pending', priority: 3, create_time: 100, workflow_id: 'wf', outputs_count: 0 });
    expect(queueJob([1, 'b', {}, {}, []], 'in_progress')).toEqual({ id: 'b', status: 'in_progress', priority: 1, outputs_count: 0 });
  });

  it('a history record carries start/end times, the error, and (detail) outputs, status and workflow', () => {
    const e = entry('x', 1000, 'error');
    const job = historyJob('x', e);
    expect(job).toMatchObject({ id: 'x', status: 'failed', execution_start_time: 1010, execution_end_time: 1025, execution_error: { node_id: '2' } });
    expect(job.outputs).toBeUndefined();
    expect(historyJob('x', e, true)).toMatchObject({ outputs: {}, execution_status: e.status, workflow: { prompt: {}, extra_data: { create_time: 1000 } } });
    expect(historyJob('y', entry('y', 0, 'interrupted')).status).toBe('cancelled');
    expect(historyJob('z', entry('z', 0, 'success')).status).toBe('completed');
  });
});

describe('listJobs', () => {
  const sources = {
    running: [tuple(5, 'run', 500)],
    pending: [tuple(6, 'wait', 600, 'wf1')],
    history: { old: entry('old', 100, 'success'), bad: entry('bad', 200, 'error'), stop: entry('stop', 300, 'interrupted') },
  };

  it('lists everything newest first by default; asc reverses', () => {
    const q = { sortBy: 'created_at', sortOrder: 'desc', offset: 0 } as const;
    expect(listJobs(sources, q).jobs.map((j) => j.id)).toEqual(['wait', 'run', 'stop', 'bad', 'old']);
    expect(listJobs(sources, { ...q, sortOrder: 'asc' }).jobs.map((j) => j.id)).toEqual(['old', 'bad', 'stop', 'run', 'wait']);
  });

  it('filters by status and workflow, pages with offset/limit and reports the total before paging', () => {
    const base = { sortBy: 'created_at', sortOrder: 'desc', offset: 0 } as const;
    expect(listJobs(sources, { ...base, statuses: ['completed', 'failed'] }).jobs.map((j) => j.id)).toEqual(['bad', 'old']);
    expect(listJobs(sources, { ...base, statuses: ['cancelled'] }).jobs.map((j) => j.id)).toEqual(['stop']);
    expect(listJobs(sources, { ...base, workflowId: 'wf1' }).jobs.map((j) => j.id)).toEqual(['wait']);
    expect(listJobs(sources, { ...base, offset: 1, limit: 2 })).toMatchObject({ total: 5, jobs: [{ id: 'run' }, { id: 'stop' }] });
  });

  it('sorts by execution duration (jobs without times count as 0)', () => {
    const history = { a: entry('a', 0, 'success'), b: { ...entry('b', 0, 'success'), status: { ...entry('b', 0, 'success').status, messages: [['execution_start', { timestamp: 1 }], ['execution_success', { timestamp: 101 }]] as HistoryEntry['status']['messages'] } } };
    expect(listJobs({ running: [], pending: [], history }, { sortBy: 'execution_duration', sortOrder: 'desc', offset: 0 }).jobs.map((j) => j.id)).toEqual(['b', 'a']);
  });
});
