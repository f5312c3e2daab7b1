/**
 * `perceptgraph worker --queue redis://…`: one engine on this machine (its own data dir and models) taking
 * prompts one at a time from a `serve --queue` server's Redis; run one per GPU (docs/redis-queue.md).
 */
import { parseArgs } from 'node:util';
import type { CliCommand } from './command.js';
import { createRuntime } from '../runtime.js';
import { DEVICE_USAGE, deviceOption } from './device-option.js';
import { UsageError } from './usage-error.js';
import { EXTRA_MODEL_PATHS_HELP, EXTRA_MODEL_PATHS_OPTIONS, EXTRA_MODEL_PATHS_USAGE, extraModelPathsOption } from './extra-model-paths-option.js';
import { CACHE_HELP, CACHE_OPTIONS, CACHE_USAGE, cacheOption, describeCache } from './cache-option.js';
import { parseRedisUrl } from '../../server/queue/redis/redis-url.js';
import { startRedisWorker } from '../../server/queue/redis/redis-worker.js';

const HELP = `usage: perceptgraph worker --queue redis://[:PASSWORD@]HOST:PORT[/DB] [--token TOKEN] [--device ${DEVICE_USAGE}] [--data-dir DIR] [--id NAME]
                         ${CACHE_USAGE} ${EXTRA_MODEL_PATHS_USAGE}

  --queue        the Redis the server was started with (serve --queue)
  --token        the server's worker token (default $PERCEPTGRAPH_WORKER_TOKEN)
  --device       ONNX Runtime execution provider (default auto: CUDA, then WebGPU, then CPU)
  --data-dir     this worker's data directory: its models, and where inputs are cached (default ./data)
${EXTRA_MODEL_PATHS_HELP}
  --id           the name shown in /system_stats (default HOST-PID-random)
  --preview-method  none|latent2rgb|auto, as for serve (default none)
${CACHE_HELP}`;

export const workerCommand: CliCommand = {
  summary: 'run prompts for a `serve --queue redis://…` server',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        queue: { type: 'string' },
        token: { type: 'string' },
        device: { type: 'string', default: 'auto' },
        'data-dir': { type: 'string' },
        id: { type: 'string' },
        'preview-method': { type: 'string', default: 'none' },
        ...CACHE_OPTIONS,
        ...EXTRA_MODEL_PATHS_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.queue) throw new UsageError('--queue redis://HOST:PORT[/DB] is required');
    try {
      parseRedisUrl(values.queue);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const token = values.token ?? process.env.PERCEPTGRAPH_WORKER_TOKEN;
    if (!token) throw new UsageError('--token TOKEN (the server\'s worker token) is required');
    const device = deviceOption(values.device);
    const cache = cacheOption(values);
    const extraModelFolders = extraModelPathsOption(values['extra-model-paths']);
    const runtime = await createRuntime({ dataDir: values['data-dir'], device, cache, extraModelFolders, log: console.log });
    console.log(`node result cache: ${describeCache(runtime.engine.cacheConfig)}`);
    let worker;
    try {
      worker = await startRedisWorker({
        url: values.queue, token, engine: runtime.engine, dirs: runtime.dirs, id: values.id,
        previewMethod: values['preview-method'], deviceInfo: runtime.deviceInfo, modelFolders: runtime.modelFolders,
        log: console.log,
      });
    } catch (err) {
      await runtime.close();
      throw err;
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await worker.close();
    await runtime.close();
    return 0;
  },
};
