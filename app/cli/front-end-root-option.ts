/**
 * `--front-end-root DIR`: serve a built ComfyUI frontend (e.g. the `static/` folder of the user's
 * `comfyui-frontend-package`) at `/` instead of our editor, like ComfyUI's flag of the same name.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './usage-error.js';

/** The absolute frontend folder, or undefined when the flag is absent. */
export function frontEndRootOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const dir = path.resolve(value);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--front-end-root: "${value}" is not a folder`);
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new UsageError(`--front-end-root: "${value}" has no index.html (give the built frontend folder, e.g. comfyui_frontend_package/static)`);
  }
  return dir;
}
