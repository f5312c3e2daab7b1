/**
 * `perceptgraph run <workflow.json>`: runs an API-format or UI-format workflow headless on the same engine as the
 * server. Prints progress to stderr, the outputs to stdout, and exits non-zero with the validation errors when the
 * workflow is invalid or a node fails.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliCommand } from './command.js';
import { createRuntime } from '../runtime.js';
import { DEVICE_USAGE, deviceOption } from './device-option.js';
import { uiToApi } from '../../server/protocol/ui-to-api.js';
import { parseJson } from '../../server/protocol/json-codec.js';
import type { ExecutionEvent } from '../../server/engine/execution-events.js';
import type { NodeErrors } from '../../server/engine/validate.js';
import type { GraphError } from '../../server/engine/errors.js';
import { randomUUID } from 'node:crypto';

const HELP = `usage: perceptgraph run <workflow.json> [--data-dir DIR] [--device ${DEVICE_USAGE}] [--json]

Runs an API-format workflow (File > Export (API)) or a UI-format workflow saved from the editor.
  --json   print the outputs as JSON on stdout`;

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

function progressPrinter(): (e: ExecutionEvent) => void {
  return (e) => {
    if (e.type === 'executing') process.stderr.write(`running node ${e.node}\n`);
    else if (e.type === 'progress') process.stderr.write(`  node ${e.node}: ${e.value}/${e.max}\n`);
    else if (e.type === 'execution_cached' && e.nodes.length) process.stderr.write(`cached: ${e.nodes.join(', ')}\n`);
  };
}

export const runCommand: CliCommand = {
  summary: 'run a workflow headless',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, device: { type: 'string', default: 'auto' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      console.error(HELP);
      return 2;
    }
    const device = deviceOption(values.device);
    const file = positionals[0]!;
    let doc: unknown;
    try {
      // The server's codec, so a workflow's 64-bit seeds parse the same here as over /prompt.
      doc = parseJson(await readFile(file, 'utf8'));
    } catch (err) {
      console.error(`cannot read workflow ${file}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
    const runtime = await createRuntime({ dataDir: values['data-dir'], device });
    try {
      const workflow = isUiWorkflow(doc) ? doc : undefined;
      const prompt = workflow ? uiToApi(workflow, runtime.engine.objectInfo()) : (doc as { prompt?: unknown }).prompt ?? doc;
      const v = await runtime.engine.validate(prompt);
      if (!v.ok) {
        console.error(formatValidationErrors(v.error, v.nodeErrors));
        return 1;
      }
      if (Object.keys(v.nodeErrors).length) console.error(formatValidationErrors({ type: 'prompt_outputs_failed_validation', message: 'Some outputs failed validation and are skipped', details: '', extraInfo: {} }, v.nodeErrors));
      const outcome = await runtime.engine.execute({
        promptId: randomUUID(),
        graph: v.graph,
        outputs: v.outputs,
        prompt: v.prompt,
        extraData: workflow ? { extra_pnginfo: { workflow } } : {},
        onEvent: progressPrinter(),
      });
      if (values.json) console.log(JSON.stringify(outcome.outputs, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x), 2));
      else for (const [id, ui] of Object.entries(outcome.outputs)) console.log(`${id}: ${JSON.stringify(ui)}`);
      if (outcome.status === 'error') {
        console.error(`node ${outcome.error.nodeId} (${outcome.error.nodeType}) failed: ${outcome.error.exceptionMessage}`);
        return 1;
      }
      if (outcome.status === 'interrupted') return 130;
      return 0;
    } finally {
      await runtime.close();
    }
  },
};
