/**
 * Output of `perceptgraph iqa eval`: a fixed-width table for stdout, and `metrics.json`, `metrics.csv` and
 * `predictions.csv` in the output folder. NaN metrics print as "NaN" in the table and CSV and as null in JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsv } from '../../csv.js';
import type { IqaEvalResult } from './run-eval.js';

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : 'NaN');

/** The metrics table, one line per model config, then the problem summary. */
export function formatEvalTable(r: IqaEvalResult): string {
  const header = ['model', 'n', 'SRCC', 'KRCC', 'PLCC', 'PLCC(logistic)', 'ms/image', 'cached'];
  const rows = r.models.map((m) => [m.name, String(m.n), fmt(m.srcc), fmt(m.krcc), fmt(m.plcc), fmt(m.plccLogistic), fmt(m.msPerImage, 1), String(m.cached)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const bad = Object.entries(r.problemCounts);
  out.push('', `${r.records} label row(s); ${r.problems.length} left out${bad.length ? ` (${bad.map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
  if (r.lowerIsBetter) out.push('labels are lower-is-better (DMOS): correlations are against −MOS');
  for (const m of r.models) for (const w of m.warnings) out.push(`warning (${m.name}): ${w}`);
  return out.join('\n');
}

/** JSON value of the result, with NaN as null. */
export function evalJson(r: IqaEvalResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

/** metrics.csv: one row per model config. */
export function metricsCsv(r: IqaEvalResult): string {
  const header = ['model', 'clip', 'projector', 'space', 'prompt', 'logit_scale', 'n', 'srcc', 'krcc', 'plcc', 'plcc_logistic', 'rmse_logistic', 'ms_per_image', 'encoded', 'cached', 'warnings'];
  const rows = r.models.map((m) => [
    m.name, m.config.clip, m.config.projector, m.config.space,
    m.config.promptFile ? `file:${path.basename(m.config.promptFile)}`
      : typeof m.config.prompt === 'string' ? m.config.prompt : `${m.config.prompt.positive} | ${m.config.prompt.negative}`,
    String(m.config.logitScale), String(m.n), fmt(m.srcc, 6), fmt(m.krcc, 6), fmt(m.plcc, 6), fmt(m.plccLogistic, 6),
    fmt(m.rmseLogistic, 6), fmt(m.msPerImage, 3), String(m.encoded), String(m.cached), m.warnings.join('; '),
  ]);
  return formatCsv([header, ...rows]);
}

/** predictions.csv: row, image, MOS and each config's score (empty where it has none). */
export function predictionsCsv(r: IqaEvalResult): string {
  const names = r.models.map((m) => m.name);
  const rows = r.predictions.map((p) => [String(p.row), p.image, String(p.mos), ...names.map((n) => (p.scores[n] == null ? '' : String(p.scores[n])))]);
  return formatCsv([['row', 'image', 'mos', ...names], ...rows]);
}

/** Paths written by {@link writeEvalReports}. */
export interface EvalReportFiles {
  readonly json: string;
  readonly csv: string;
  readonly predictions: string;
}

/** Writes the three report files into `outDir` (created when missing). */
export function writeEvalReports(r: IqaEvalResult, outDir: string): EvalReportFiles {
  mkdirSync(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, 'metrics.json'),
    csv: path.join(outDir, 'metrics.csv'),
    predictions: path.join(outDir, 'predictions.csv'),
  };
  writeFileSync(files.json, evalJson(r));
  writeFileSync(files.csv, metricsCsv(r));
  writeFileSync(files.predictions, predictionsCsv(r));
  return files;
}
