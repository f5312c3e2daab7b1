/**
 * ComfyUI's job view of the queue and history (comfy_execution/jobs.py): queue tuples and history records become
 * one list of `WireJob`s, filtered by status and workflow, sorted and paged. Pure functions over plain data.
 */
import type { JobSortKey, JobStatus, WireJob, WirePreviewOutput } from '../protocol/jobs.js';
import type { HistoryEntry } from './history-store.js';
import type { QueueTuple } from './types.js';

/** Media kinds the frontend can preview; 3D files are recognised by extension. */
const PREVIEWABLE = new Set(['images', 'video', 'audio']);
const THREE_D = ['.obj', '.fbx', '.gltf', '.glb'];

export interface JobQuery {
  /** Statuses to include; all when absent. */
  readonly statuses?: readonly JobStatus[];
  readonly workflowId?: string;
  readonly sortBy: JobSortKey;
  readonly sortOrder: 'asc' | 'desc';
  readonly limit?: number;
  readonly offset: number;
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

function metadata(extra: Record<string, unknown>): { create_time?: number; workflow_id?: string } {
  const pnginfo = extra.extra_pnginfo as { workflow?: { id?: unknown } } | undefined;
  const id = pnginfo?.workflow?.id;
  return { create_time: typeof extra.create_time === 'number' ? extra.create_time : undefined, workflow_id: typeof id === 'string' ? id : undefined };
}

/** A running or pending prompt as a job. */
export function queueJob(t: QueueTuple, status: 'pending' | 'in_progress'): WireJob {
  return defined({ id: t[1], status, priority: t[0], ...metadata(t[3]), outputs_count: 0 });
}

function previewable(mediaType: string, item: Record<string, unknown>): boolean {
  if (PREVIEWABLE.has(mediaType)) return true;
  const format = typeof item.format === 'string' ? item.format : '';
  if (format.startsWith('video/') || format.startsWith('audio/')) return true;
  const name = typeof item.filename === 'string' ? item.filename.toLowerCase() : '';
  return THREE_D.some((e) => name.endsWith(e));
}

/** Output count and the preview: the first previewable `type: output` item, else the first previewable one. */
export function outputsSummary(outputs: HistoryEntry['outputs']): { count: number; preview?: WirePreviewOutput } {
  let count = 0;
  let preview: WirePreviewOutput | undefined;
  let fallback: WirePreviewOutput | undefined;
  for (const [nodeId, ui] of Object.entries(outputs)) {
    for (const [mediaType, items] of Object.entries(ui)) {
      if (mediaType === 'animated' || !Array.isArray(items)) continue;
      for (const item of items) {
        if (typeof item !== 'object' || item === null) continue;
        count++;
        const it = item as Record<string, unknown>;
        if (preview || !previewable(mediaType, it)) continue;
        const enriched = { ...it, nodeId, mediaType };
        if (it.type === 'output') preview = enriched;
        else fallback ??= enriched;
      }
    }
  }
  return { count, preview: preview ?? fallback };
}

/** A finished prompt's status: failed on an error, cancelled when interrupted, else completed. */
export function historyStatus(entry: HistoryEntry): JobStatus {
  if (entry.status.messages.some(([event]) => event === 'execution_interrupted')) return 'cancelled';
  return entry.status.status_str === 'error' ? 'failed' : 'completed';
}

/** A finished prompt as a job; `detail` adds its outputs, status and the prompt it ran. */
export function historyJob(promptId: string, entry: HistoryEntry, detail = false): WireJob {
  const [priority, , prompt, extra] = entry.prompt;
  let start: number | undefined;
  let end: number | undefined;
  let error: Record<string, unknown> | undefined;
  for (const [event, data] of entry.status.messages) {
    const ts = typeof data.timestamp === 'number' ? data.timestamp : undefined;
    if (event === 'execution_start') start = ts;
    else if (event === 'execution_success' || event === 'execution_error' || event === 'execution_interrupted') {
      end = ts;
      if (event === 'execution_error') error = data;
    }
  }
  const { count, preview } = outputsSummary(entry.outputs);
  const job: WireJob = defined({
    id: promptId, status: historyStatus(entry), priority, ...metadata(extra),
    execution_start_time: start, execution_end_time: end, execution_error: error, outputs_count: count, preview_output: preview,
  });
  if (detail) Object.assign(job, { outputs: entry.outputs, execution_status: entry.status, workflow: { prompt, extra_data: extra } });
  return job;
}

function sortKey(job: WireJob, by: JobSortKey): number {
  if (by === 'execution_duration') return job.execution_start_time && job.execution_end_time ? job.execution_end_time - job.execution_start_time : 0;
  return job.create_time ?? 0;
}

/** Every job matching `q`, sorted and paged, plus the total before paging. */
export function listJobs(
  sources: { running: readonly QueueTuple[]; pending: readonly QueueTuple[]; history: Readonly<Record<string, HistoryEntry>> },
  q: JobQuery,
): { jobs: WireJob[]; total: number } {
  const wanted = (s: JobStatus) => !q.statuses || q.statuses.includes(s);
  let jobs: WireJob[] = [
    ...(wanted('in_progress') ? sources.running.map((t) => queueJob(t, 'in_progress')) : []),
    ...(wanted('pending') ? sources.pending.map((t) => queueJob(t, 'pending')) : []),
    ...Object.entries(sources.history).filter(([, e]) => wanted(historyStatus(e))).map(([id, e]) => historyJob(id, e)),
  ];
  if (q.workflowId) jobs = jobs.filter((j) => j.workflow_id === q.workflowId);
  const sign = q.sortOrder === 'desc' ? -1 : 1;
  // A stable sort, as Python's sorted().
  jobs = jobs.map((j, i) => ({ j, i })).sort((a, b) => sign * (sortKey(a.j, q.sortBy) - sortKey(b.j, q.sortBy)) || a.i - b.i).map((x) => x.j);
  const total = jobs.length;
  const paged = jobs.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  return { jobs: paged, total };
}
