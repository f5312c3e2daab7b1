/**
 * `GET /api/jobs?status=&workflow_id=&sort_by=&sort_order=&limit=&offset=` and `GET /api/jobs/{id}`: the queue and
 * history as ComfyUI's job list (server/queue/jobs-view.ts). Bad parameters answer 400 `{"error": string}`.
 */
import type { Request, Router } from 'express';
import { JOB_SORT_KEYS, JOB_STATUSES, type JobSortKey, type JobStatus, type WireJobList } from '../../protocol/jobs.js';
import { historyJob, listJobs, queueJob, type JobQuery } from '../../queue/jobs-view.js';
import { queueTuple } from '../../queue/types.js';
import { StringHttpError } from '../http-error.js';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

const refuse = (message: string) => new StringHttpError(400, message, 'json');

function text(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}

function integer(req: Request, name: string): number | undefined {
  const v = text(req, name);
  if (v === undefined) return undefined;
  if (!/^\s*[-+]?\d+\s*$/.test(v)) throw refuse(`${name} must be an integer`);
  return Number(v);
}

function jobQuery(req: Request): JobQuery {
  const statusParam = text(req, 'status');
  let statuses: JobStatus[] | undefined;
  if (statusParam) {
    const asked = statusParam.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = asked.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
    if (bad.length > 0) throw refuse(`Invalid status value(s): ${bad.join(', ')}. Valid values: ${JOB_STATUSES.join(', ')}`);
    statuses = asked as JobStatus[];
  }
  const sortBy = (text(req, 'sort_by') ?? 'created_at').toLowerCase();
  if (!(JOB_SORT_KEYS as readonly string[]).includes(sortBy)) throw refuse("sort_by must be 'created_at' or 'execution_duration'");
  const sortOrder = (text(req, 'sort_order') ?? 'desc').toLowerCase();
  if (sortOrder !== 'asc' && sortOrder !== 'desc') throw refuse("sort_order must be 'asc' or 'desc'");
  const limit = integer(req, 'limit');
  if (limit !== undefined && limit <= 0) throw refuse('limit must be a positive integer');
  const offset = Math.max(0, integer(req, 'offset') ?? 0);
  return { statuses, workflowId: text(req, 'workflow_id') || undefined, sortBy: sortBy as JobSortKey, sortOrder, limit, offset };
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/jobs', async (req, res) => {
    const q = jobQuery(req);
    const [running, pending, history] = await Promise.all([deps.queue.running(), deps.queue.pending(), deps.history.list()]);
    const { jobs, total } = listJobs({ running: running.map(queueTuple), pending: pending.map(queueTuple), history }, q);
    const reply: WireJobList = { jobs, pagination: { offset: q.offset, limit: q.limit ?? null, total, has_more: q.offset + jobs.length < total } };
    sendJson(res, reply);
  });

  router.get('/jobs/:id', async (req, res) => {
    const id = req.params.id;
    const entry = await deps.history.get(id);
    if (entry) return sendJson(res, historyJob(id, entry, true));
    const [running, pending] = await Promise.all([deps.queue.running(), deps.queue.pending()]);
    const run = running.find((e) => e.promptId === id);
    if (run) return sendJson(res, queueJob(queueTuple(run), 'in_progress'));
    const wait = pending.find((e) => e.promptId === id);
    if (wait) return sendJson(res, queueJob(queueTuple(wait), 'pending'));
    throw new StringHttpError(404, 'Job not found', 'json');
  });
}
