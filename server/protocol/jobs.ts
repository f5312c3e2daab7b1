/**
 * Wire shapes of ComfyUI's `/api/jobs` (comfy_execution/jobs.py): one list of running, pending and finished prompts
 * with filtering and paging, which the current ComfyUI frontend uses for its queue and history panels.
 * Pure: no Node or DOM imports.
 */

/** Job states; `cancelled` is what the frontend asks for besides ComfyUI's four (an interrupted prompt). */
export const JOB_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** `sort_by` values. */
export const JOB_SORT_KEYS = ['created_at', 'execution_duration'] as const;
export type JobSortKey = (typeof JOB_SORT_KEYS)[number];

/** The first previewable output of a job, with the node that made it and its media kind (`images`, ...). */
export type WirePreviewOutput = Record<string, unknown> & { nodeId: string; mediaType: string };

/** One job of the list; absent fields are left out, as ComfyUI prunes `None`s. */
export interface WireJob {
  id: string;
  status: JobStatus;
  priority: number;
  /** Milliseconds since the epoch. */
  create_time?: number;
  execution_start_time?: number;
  execution_end_time?: number;
  execution_error?: Record<string, unknown>;
  outputs_count: number;
  preview_output?: WirePreviewOutput;
  workflow_id?: string;
  /** Detail only (`/api/jobs/{id}` of a finished prompt). */
  outputs?: Record<string, unknown>;
  execution_status?: Record<string, unknown>;
  workflow?: { prompt: unknown; extra_data: Record<string, unknown> };
}

/** `GET /api/jobs`. `limit` is null when none was asked for. */
export interface WireJobList {
  jobs: WireJob[];
  pagination: { offset: number; limit: number | null; total: number; has_more: boolean };
}
