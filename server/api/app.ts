/**
 * The express application: guards, the static editor, body reading, every route under `/x` and `/api/x`, and
 * the single error handler. No listening here (see `server.ts`).
 */
import express, { type RequestHandler } from 'express';
import { errorHandler } from './error-handler.js';
import { HttpError } from './http-error.js';
import { isMultipart } from './json-io.js';
import { PIECEWISE_THRESHOLD_BYTES } from './json-body-parse.js';
import { sharedBodyReader } from './shared-body.js';
import type { RouteDeps } from './route-deps.js';
import * as experimentModels from './routes/experiment-models.js';
import * as free from './routes/free.js';
import * as frontendStubs from './routes/frontend-stubs.js';
import * as history from './routes/history.js';
import * as internal from './routes/internal.js';
import * as interrupt from './routes/interrupt.js';
import * as jobs from './routes/jobs.js';
import * as nodePacks from './routes/node-packs.js';
import * as objectInfo from './routes/object-info.js';
import * as prompt from './routes/prompt.js';
import * as queue from './routes/queue.js';
import * as settings from './routes/settings.js';
import * as system from './routes/system.js';
import * as upload from './routes/upload.js';
import * as uploadMask from './routes/upload-mask.js';
import * as userdata from './routes/userdata.js';
import * as users from './routes/users.js';
import * as view from './routes/view.js';
import * as workflowTemplates from './routes/workflow-templates.js';
import * as workflows from './routes/workflows.js';
import { hostRefusal, isAuthorized, originRefusal, type HostPolicy } from './security.js';

/** One module per resource, each exporting `register(router, deps)`. */
const ROUTE_MODULES = [prompt, queue, history, interrupt, free, objectInfo, view, upload, system, workflows, nodePacks];
/** The routes ComfyUI's own frontend relies on: users, settings, user files, mask upload, model and log listings. */
const FRONTEND_ROUTE_MODULES = [users, settings, userdata, uploadMask, experimentModels, internal, jobs, workflowTemplates, frontendStubs];

export interface AppOptions {
  readonly deps: RouteDeps;
  readonly authToken?: string;
  /** Directory of the built editor, served at `/` (public even with a token: it holds no data). */
  readonly staticDir?: string;
  /** Host names answered (DNS-rebinding protection); without it every Host is answered. */
  readonly hosts?: HostPolicy;
}

function originGuard(log: (m: string) => void, hosts: HostPolicy | undefined): RequestHandler {
  return async (req, res, next) => {
    const refusal = (hosts && hostRefusal(req.headers, hosts)) || (await originRefusal(req.headers));
    if (refusal) {
      log(`refused ${req.method} ${req.originalUrl}: ${refusal}`);
      return void res.status(403).end();
    }
    if (req.method === 'OPTIONS') return void res.status(200).end();
    next();
  };
}

function authGuard(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (isAuthorized(req, token)) return next();
    next(new HttpError(401, 'unauthorized', 'missing or wrong bearer token (send "Authorization: Bearer <token>")'));
  };
}

// ComfyUI marks scripts and styles no-cache so an updated frontend is picked up at once.
const noCacheScripts: RequestHandler = (req, res, next) => {
  if (/\.(js|css)$/.test(req.path)) res.setHeader('Cache-Control', 'no-cache');
  next();
};

/** Builds the express app. */
export function createApp(options: AppOptions): express.Express {
  const { deps } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(noCacheScripts, originGuard(deps.log, options.hosts));
  if (options.staticDir) app.use(express.static(options.staticDir, { dotfiles: 'ignore', index: 'index.html' }));
  app.use(authGuard(options.authToken));
  // Bodies are read raw whatever the Content-Type and parsed as JSON by the routes (multipart is streamed).
  // Big plain bodies go into shared memory instead, which the parse worker reads without a copy (shared-body.ts).
  app.use(sharedBodyReader({ minBytes: PIECEWISE_THRESHOLD_BYTES, maxBytes: deps.maxUploadBytes, skip: (req) => isMultipart(req as express.Request) }));
  app.use(express.raw({ type: (req) => !isMultipart(req as express.Request), limit: deps.maxUploadBytes }));
  const router = express.Router();
  for (const m of [...ROUTE_MODULES, ...FRONTEND_ROUTE_MODULES]) m.register(router, deps);
  app.use('/api', router);
  app.use(router);
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.log, { dataRoot: deps.dirs.root }));
  return app;
}
