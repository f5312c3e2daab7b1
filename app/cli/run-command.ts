/**
 * `perceptgraph run <workflow.json>`: runs an API-format or UI-format workflow headless on the same engine as the
 * server. `--input`/`--image` and `--set` override LoadImage files and widget values (run-overrides.ts); progress
 * goes to stderr (run-progress.ts); the written files' full paths, or with `--json` a summary object, go to stdout
 * (run-summary.ts). Exit codes: 0 done, 1 invalid workflow or a node failed, 2 usage, 130 interrupted.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliCommand } from './command.js';
import { createRuntime } from '../runtime.js';
import { DEVICE_USAGE, deviceOption } from './device-option.js';
import { uiToApi } from '../../server/protocol/ui-to-api.js';
import { parseJson, stringifyJson } from '../../server/protocol/json-codec.js';
import type { ObjectInfo } from '../../server/protocol/object-info.js';
import type { NodeErrors } from '../../server/engine/validate.js';
import type { GraphError } from '../../server/engine/errors.js';
import { applyImageInputs, applyWidgetSets, nodeTitle, type ApiPrompt } from './run-overrides.js';
import { progressReporter } from './run-progress.js';
import { formatSummary, summarise } from './run-summary.js';
import { EXTRA_MODEL_PATHS_HELP, EXTRA_MODEL_PATHS_OPTIONS, extraModelPathsOption } from './extra-model-paths-option.js';
import { UsageError } from './usage-error.js';

const HELP = `usage: perceptgraph run <workflow.json> [options]

Runs an API-format workflow (File > Export (API)) or a UI-format workflow saved from the editor.
  --input NODE=PATH   the image LoadImage node NODE (id or title) loads, from anywhere on disk (repeatable)
  --image PATH        the same for a workflow with a single LoadImage node
  --set NODE.IN=VAL   set widget input IN of node NODE, e.g. --set 3.seed=42 --set KSampler.steps=8 (repeatable)
  --output-dir DIR    where SaveImage writes (default <data dir>/output)
  --data-dir DIR      data directory with models/, input/, output/ (default $PERCEPTGRAPH_DATA_DIR or ./data)
${EXTRA_MODEL_PATHS_HELP}
  --device D          ${DEVICE_USAGE} (default auto)
  --json              print a JSON summary on stdout: {prompt_id, status, files, scores, outputs, error?}
Progress goes to stderr (a bar per node on a terminal); the last lines name every file written.`;

/** True for the editor's (litegraph) format rather than the API prompt format. */
export function isUiWorkflow(doc: unknown): doc is { nodes: unknown[] } {
  return typeof doc === 'object' && doc !== null && Array.isArray((doc as { nodes?: unknown }).nodes);
}

export function formatValidationErrors(error: GraphError, nodeErrors: NodeErrors): string {
  const lines = [`${error.message}${error.details ? `: ${error.details.split('\n')[0]}` : ''}`];
  for (const [id, entry] of Object.entries(nodeErrors)) {
    for (const e of entry.errors) lines.push(`  node ${id} (${entry.classType}): ${e.message}: ${e.details}`);
  }
  return lines.join('\n');
}

function parseRunArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' }, device: { type: 'string', default: 'auto' }, json: { type: 'boolean' },
      input: { type: 'string', multiple: true, default: [] }, image: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] }, 'output-dir': { type: 'string' },
      ...EXTRA_MODEL_PATHS_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function readWorkflow(file: string): Promise<unknown> {
  try {
    // The server's codec, so a workflow's 64-bit seeds parse the same here as over /prompt.
    return parseJson(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read workflow ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const runCommand: CliCommand = {
  summary: 'run a workflow headless, printing progress and the files it wrote',
  async run(args) {
    const { values, positionals } = parseRunArgs(args);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`expected one workflow file, got ${positionals.length}\n\n${HELP}`);
    const device = deviceOption(values.device);
    const extraModelFolders = extraModelPathsOption(values['extra-model-paths']);
    const doc = await readWorkflow(positionals[0]!);
    const runtime = await createRuntime({ dataDir: values['data-dir'], outputDir: values['output-dir'], device, extraModelFolders, log: (m) => console.error(m) });
    try {
      const info = runtime.engine.objectInfo() as unknown as ObjectInfo;
      const workflow = isUiWorkflow(doc) ? doc : undefined;
      const prompt = structuredClone(workflow ? uiToApi(workflow, info) : (doc as { prompt?: unknown }).prompt ?? doc) as ApiPrompt;
      if (typeof prompt === 'object' && prompt !== null) {
        applyImageInputs(prompt, { inputs: values.input, image: values.image, inputDir: runtime.dirs.input, info });
        applyWidgetSets(prompt, values.set, info);
      }
      const v = await runtime.engine.validate(prompt);
      if (!v.ok) {
        console.error(formatValidationErrors(v.error, v.nodeErrors));
        return 1;
      }
      if (Object.keys(v.nodeErrors).length) console.error(formatValidationErrors({ type: 'prompt_outputs_failed_validation', message: 'Some outputs failed validation and are skipped', details: '', extraInfo: {} }, v.nodeErrors));
      const title = (id: string) => nodeTitle(prompt, id, info);
      const progress = progressReporter(process.stderr, { title, total: Object.keys(v.prompt).length });
      const promptId = randomUUID();
      const outcome = await runtime.engine.execute({
        promptId, graph: v.graph, outputs: v.outputs, prompt: v.prompt,
        extraData: workflow ? { extra_pnginfo: { workflow } } : {},
        onEvent: progress.onEvent,
      });
      progress.finish();
      const summary = summarise({ promptId, outcome, dirs: runtime.dirs, title });
      if (values.json) console.log(stringifyJson(summary));
      else for (const line of formatSummary(summary, title)) console.log(line);
      if (outcome.status === 'error') {
        console.error(`node ${outcome.error.nodeId} (${title(outcome.error.nodeId)}) failed: ${outcome.error.exceptionMessage}`);
        return 1;
      }
      return outcome.status === 'interrupted' ? 130 : 0;
    } finally {
      await runtime.close();
    }
  },
};
