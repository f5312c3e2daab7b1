/** `perceptgraph serve`: the HTTP/WebSocket server and the editor on 127.0.0.1:8188 by default. */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { CliCommand } from './command.js';
import { createRuntime } from '../runtime.js';
import { DEVICE_USAGE, deviceOption } from './device-option.js';
import { UsageError } from './usage-error.js';
import { frontEndRootOption } from './front-end-root-option.js';
import { startServer } from '../../server/api/server.js';
import { redisBackend } from '../../server/queue/redis/redis-backend.js';
import { hideSecretsFromProcessList, resolveAuthToken } from './auth-token-option.js';
import { EXTRA_MODEL_PATHS_HELP, EXTRA_MODEL_PATHS_OPTIONS, EXTRA_MODEL_PATHS_USAGE, extraModelPathsOption } from './extra-model-paths-option.js';
import { CACHE_HELP, CACHE_OPTIONS, CACHE_USAGE, cacheOption, describeCache } from './cache-option.js';

const HELP = `usage: perceptgraph serve [--listen HOST] [--port N] [--data-dir DIR] [--device ${DEVICE_USAGE}] [--auth-token TOKEN | --auth-token-file FILE] [--allow-host NAME] [--preview-method M] [--multi-user] [--front-end-root DIR]
                        ${CACHE_USAGE} ${EXTRA_MODEL_PATHS_USAGE} [--queue redis://[:PASSWORD@]HOST:PORT[/DB] [--worker-token TOKEN]]

  --listen       address to bind (default 127.0.0.1; a bare --listen= binds 0.0.0.0)
  --port         port (default 8188)
  --data-dir     data directory with models/, input/, output/, temp/ (default ./data)
${EXTRA_MODEL_PATHS_HELP}
  --device       ONNX Runtime execution provider (default auto: CUDA, then WebGPU, then CPU)
  --auth-token   require "Authorization: Bearer TOKEN" on HTTP and WebSocket (visible in the process list:
                 prefer the PERCEPTGRAPH_AUTH_TOKEN environment variable or --auth-token-file)
  --auth-token-file  read the token from the first line of a file
  --allow-host   also answer requests for this Host name (repeatable; ".example.com" for a domain, "*" for
                 any); by default only address literals, loopback names and the --listen name are answered
  --preview-method  none|latent2rgb|auto: binary step previews for prompts whose extra_data.preview_method
                 says nothing (default none, as ComfyUI; the editor asks for latent2rgb)
  --multi-user   ComfyUI's user profiles: settings and user files per user (comfy-user header)
  --front-end-root  serve this built ComfyUI frontend (a folder with index.html) at / instead of our editor
  --queue        run prompts on \`perceptgraph worker\` processes through Redis (BullMQ) instead of in this process
  --worker-token the token workers must present (default: --auth-token, or $PERCEPTGRAPH_WORKER_TOKEN)
${CACHE_HELP}`;

/** The built editor bundle, served at `/`. */
export function editorDist(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../graph-editor/dist');
}

export const serveCommand: CliCommand = {
  summary: 'start the server and the editor',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        listen: { type: 'string' },
        port: { type: 'string', default: '8188' },
        'data-dir': { type: 'string' },
        device: { type: 'string', default: 'auto' },
        'auth-token': { type: 'string' },
        'auth-token-file': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'preview-method': { type: 'string', default: 'none' },
        'multi-user': { type: 'boolean', default: false },
        'front-end-root': { type: 'string' },
        queue: { type: 'string' },
        'worker-token': { type: 'string' },
        ...CACHE_OPTIONS,
        ...EXTRA_MODEL_PATHS_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${values.port}"`);
    const device = deviceOption(values.device);
    const host = values.listen === undefined ? '127.0.0.1' : values.listen === '' ? '0.0.0.0' : values.listen;
    const authToken = resolveAuthToken({ value: values['auth-token'], file: values['auth-token-file'], warn: console.warn });
    if (values['worker-token'] !== undefined) hideSecretsFromProcessList();
    const workerToken = values['worker-token'] ?? authToken ?? process.env.PERCEPTGRAPH_WORKER_TOKEN;
    if (values.queue !== undefined && !workerToken) throw new UsageError('--queue needs a token for the workers: --worker-token TOKEN (or --auth-token)');
    const frontEnd = frontEndRootOption(values['front-end-root']);
    const cache = cacheOption(values);
    const extraModelFolders = extraModelPathsOption(values['extra-model-paths']);
    // With --queue the Redis workers execute and this process only validates: no engine thread.
    const runtime = await createRuntime({ dataDir: values['data-dir'], device, cache, extraModelFolders, lowerComputePriority: true, engineThread: values.queue === undefined, log: console.log });
    console.log(`node result cache: ${describeCache(runtime.engine.cacheConfig)}`);
    const staticDir = frontEnd ?? editorDist();
    if (frontEnd) console.log(`serving the ComfyUI frontend in ${frontEnd}`);
    else if (!existsSync(path.join(staticDir, 'index.html'))) console.warn('editor bundle missing: run `npm run build:editor` (npm install does this)');
    // Redis unreachable → a clear error and exit 1 (before listening).
    const backend = values.queue === undefined ? undefined : await redisBackend({ url: values.queue, token: workerToken!, dirs: runtime.dirs, log: console.log }).catch(async (err) => {
      await runtime.close();
      throw err;
    });
    const server = await startServer({
      backend,
      engine: runtime.executor,
      dirs: runtime.dirs,
      host,
      port,
      authToken,
      allowHosts: values['allow-host'],
      previewMethod: values['preview-method'],
      staticDir,
      deviceInfo: runtime.deviceInfo,
      modelFolders: runtime.modelFolders,
      modelFolderPaths: runtime.modelFolderPaths,
      workflowsDir: runtime.workflowsDir,
      nodePacks: () => runtime.nodePacks,
      multiUser: values['multi-user'],
      log: console.log,
    });
    console.log(`perceptgraph listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await runtime.close();
    return 0;
  },
};
