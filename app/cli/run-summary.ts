/**
 * What `perceptgraph run` reports when the prompt has finished: the full paths of the files it wrote, the scores
 * its score nodes showed, and (with `--json`) one machine-readable object with all of it.
 */
import path from 'node:path';
import type { ExecutionOutcome } from '../../server/engine/execution-events.js';
import type { DataDirs } from '../../server/data-dir.js';

/** One written file: the node that wrote it and its absolute path. */
export interface WrittenFile {
  readonly node: string;
  readonly path: string;
  /** `output` (SaveImage) or `temp` (PreviewImage). */
  readonly type: string;
}

/** The `--json` summary. */
export interface RunSummary {
  readonly prompt_id: string;
  readonly status: ExecutionOutcome['status'];
  readonly files: WrittenFile[];
  /** Score rows (`{image, score, <attribute>...}`) by node id, with the node's title. */
  readonly scores: Record<string, { title: string; rows: Record<string, number>[] }>;
  /** Every node's UI output as the history records it. */
  readonly outputs: ExecutionOutcome['outputs'];
  readonly error?: { node: string; node_type: string; message: string };
}

interface ImageRef {
  filename: string;
  subfolder?: string;
  type?: string;
}

const folders = (dirs: DataDirs): Record<string, string> => ({ output: dirs.output, temp: dirs.temp, input: dirs.input });

/** Builds the summary of a finished prompt. */
export function summarise(o: { promptId: string; outcome: ExecutionOutcome; dirs: DataDirs; title: (id: string) => string }): RunSummary {
  const files: WrittenFile[] = [];
  const scores: RunSummary['scores'] = {};
  for (const [node, ui] of Object.entries(o.outcome.outputs) as [string, Record<string, unknown>][]) {
    for (const img of (ui.images as ImageRef[] | undefined) ?? []) {
      const type = img.type ?? 'output';
      files.push({ node, type, path: path.join(folders(o.dirs)[type] ?? o.dirs.output, img.subfolder ?? '', img.filename) });
    }
    if (Array.isArray(ui.scores)) scores[node] = { title: o.title(node), rows: ui.scores as Record<string, number>[] };
  }
  const e = o.outcome.status === 'error' ? o.outcome.error : undefined;
  return {
    prompt_id: o.promptId, status: o.outcome.status, files, scores, outputs: o.outcome.outputs,
    ...(e ? { error: { node: e.nodeId, node_type: e.nodeType, message: e.exceptionMessage } } : {}),
  };
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));

/** The human-readable report: each node's text and scores, then one `wrote <path>` line per file, last. */
export function formatSummary(s: RunSummary, title: (id: string) => string): string[] {
  const lines: string[] = [];
  for (const [node, ui] of Object.entries(s.outputs) as [string, Record<string, unknown>][]) {
    const text = Array.isArray(ui.text) ? (ui.text as string[]) : [];
    if (!text.length && !s.scores[node]) continue;
    lines.push(`${title(node)} (node ${node}):`);
    for (const t of text) lines.push(`  ${t}`);
    for (const row of s.scores[node]?.rows ?? []) {
      lines.push(`  ${Object.entries(row).map(([k, v]) => (k === 'image' ? `image ${v}` : `${k} ${fmt(v)}`)).join(', ')}`);
    }
  }
  for (const f of s.files) lines.push(`wrote ${f.path}`);
  return lines;
}
