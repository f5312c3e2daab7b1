/** `perceptgraph setup`: builds the tiny default models and writes the example workflows' input images into the data directory (idempotent, a few seconds). */
import { parseArgs } from 'node:util';
import type { CliCommand } from './command.js';
import { dataDirs } from '../../server/data-dir.js';
import { ensureTinyModels } from '../../models/tiny/setup.js';
import { ensureExampleInputs } from '../examples/example-inputs.js';

export const setupCommand: CliCommand = {
  summary: 'build the tiny default models and the example input images into the data directory',
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      console.log('usage: perceptgraph setup [--data-dir DIR] [--force]\n\nBuilds the tiny default models into DIR/models (default ./data; --force rebuilds them) and writes the input\nimages the example workflows load (example.png, example-degraded.png) into DIR/input where missing.');
      return 0;
    }
    const dirs = dataDirs(values['data-dir']);
    const t0 = performance.now();
    const paths = ensureTinyModels(dirs.models, { force: values.force });
    const ms = (performance.now() - t0).toFixed(0);
    console.log(paths.built ? `tiny models built into ${dirs.models} in ${ms} ms` : `tiny models already present in ${dirs.models}`);
    const examples = await ensureExampleInputs(dirs.input);
    console.log(examples.written.length ? `example inputs written: ${examples.written.join(', ')}` : `example inputs already present in ${dirs.input}`);
    return 0;
  },
};
