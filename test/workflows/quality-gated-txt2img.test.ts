/**
 * workflows/quality-gated-txt2img.json end to end on the tiny models: GatedGenerate samples N images per try and
 * scores them with DeCLIP IQA until enough pass, QualityGate keeps the top k, SaveImage and ShowScores record them.
 * Through the real API server and through the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { declipNodes } from '../../nodes/declip/index.js';
import { dpAdapterNodes } from '../../nodes/dp-adapter/index.js';
import { sdNodes } from '../../nodes/sd/index.js';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { loadWorkflow, withWidget, workflowFile, writeGradientPng } from '../support/workflows.js';

const GATED = '6';
const SAVE = '8';
const KEPT_SCORES = '9';
const ALL_SCORES = '10';
/** GatedGenerate widgets: [seed, control, steps, cfg, sampler, scheduler, scorer, space, logit_scale, threshold, max_tries, min_kept]. */
const THRESHOLD = 9;
const FIRST_SEED = 8675309;
const N = 4;
const K = 2;

/** Invariants of one run's history outputs; returns the GatedGenerate ui. */
function checkOutputs(outputs: Record<string, any>): any {
  const gated = outputs[GATED];
  const rows = gated.tries as { try: number; seed: string; score: number; passed: boolean }[];
  const tries = Math.max(...rows.map((r) => r.try));
  expect(rows).toHaveLength(tries * N);
  expect(rows.map((r) => r.seed)).toEqual(rows.map((_, i) => String(FIRST_SEED + i)));
  expect(gated.images).toHaveLength(rows.length);
  expect(outputs[ALL_SCORES].scores.map((r: { score: number }) => r.score)).toEqual(rows.map((r) => r.score));
  const passing = rows.filter((r) => r.passed).map((r) => r.score);
  const kept = outputs[KEPT_SCORES].scores.map((r: { score: number }) => r.score);
  if (gated.passed[0]) {
    expect(passing.length).toBeGreaterThan(0);
    expect(kept).toEqual([...passing].sort((a, b) => b - a).slice(0, K));
  } else {
    expect(passing).toEqual([]);
    expect(kept).toEqual([Math.max(...rows.map((r) => r.score))]);
  }
  expect(outputs[SAVE].images).toHaveLength(kept.length);
  return gated;
}

describe('workflows/quality-gated-txt2img.json through the API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ nodes: [...coreNodes, ...sdNodes, ...declipNodes, ...dpAdapterNodes], tinyModels: true });
    await writeGradientPng(s.dirs.input);
  });
  afterAll(() => s?.close());

  async function run(workflow: Record<string, any>) {
    const entry = await s.waitForHistory(await s.queueWorkflow(workflow), 120_000);
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
    return entry.outputs as Record<string, any>;
  }

  let firstTry: number[] = [];

  it('when nothing can pass, runs every try and returns the best image with passed = false', async () => {
    const outputs = await run(withWidget(loadWorkflow('quality-gated-txt2img'), Number(GATED), THRESHOLD, 1));
    const gated = checkOutputs(outputs);
    expect(gated.passed).toEqual([false]);
    expect(gated.tries).toHaveLength(3 * N);
    expect(outputs[SAVE].images).toHaveLength(1);
    firstTry = gated.tries.slice(0, N).map((r: { score: number }) => r.score);
  }, 180_000);

  it('stops at the try where k images pass and saves the top k of them', async () => {
    // The tiny models' scores are arbitrary, so the threshold is set between this seed's first-try scores:
    // exactly K images of try 1 reach it.
    expect(firstTry).toHaveLength(N);
    const threshold = [...firstTry].sort((a, b) => b - a)[K - 1]!;
    const outputs = await run(withWidget(loadWorkflow('quality-gated-txt2img'), Number(GATED), THRESHOLD, threshold));
    const gated = checkOutputs(outputs);
    expect(gated.passed).toEqual([true]);
    expect(gated.tries.map((r: { score: number }) => r.score)).toEqual(firstTry);
    expect(gated.tries.filter((r: { passed: boolean }) => r.passed)).toHaveLength(K);
    expect(outputs[SAVE].images).toHaveLength(K);
  }, 120_000);
});

describe('workflows/quality-gated-txt2img.json through the CLI', () => {
  let root: string;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('node bin/perceptgraph.mjs run saves the kept images and prints every try', async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'pg-gated-cli-'));
    const r = await runCli(workflowFile('quality-gated-txt2img'), root);
    expect(r.code, r.stderr).toBe(0);
    checkOutputs(JSON.parse(r.stdout).outputs);
  }, 180_000);
});
