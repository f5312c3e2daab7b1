/**
 * Harness for the editor's browser tests: builds the bundle when `graph-editor/dist` is missing or older than its
 * sources, starts the real server (port 0, temp data dir) serving it, and opens it in headless Chromium through
 * playwright-core. Console errors and page errors are collected per page.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = path.join(repoRoot, 'graph-editor/dist');
export const artifactsDir = path.join(repoRoot, 'test-artifacts/graph-editor');
export const chromiumPath = '/usr/bin/chromium';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

function bundleFresh(): boolean {
  const built = path.join(distDir, 'index.html');
  const sources = ['graph-editor/src', 'graph-editor/index.html', 'graph-editor/vite.config.ts', 'server/protocol'].map((p) => path.join(repoRoot, p));
  return existsSync(built) && statSync(built).mtimeMs > Math.max(...sources.map(newestMtime));
}

/**
 * Builds `graph-editor/dist` unless it is newer than every source it is built from. The editor test files run in
 * parallel: one builds while the others wait on a lock directory, so no page loads a half-written bundle.
 */
export async function ensureBundle(): Promise<void> {
  if (bundleFresh()) return;
  const lock = path.join(repoRoot, 'graph-editor/.build-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is taken over once the deadline passes.
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!bundleFresh()) await build({ configFile: path.join(repoRoot, 'graph-editor/vite.config.ts'), logLevel: 'error' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A running server + browser; `close()` stops both. */
export interface EditorHarness {
  server: TestServer;
  browser: Browser;
  workflowsDir: string;
  /** Opens the editor in a fresh page and waits for `window.perceptgraph`. */
  openEditor(): Promise<{ page: Page; consoleErrors: string[] }>;
  close(): Promise<void>;
}

/** Starts the server with `nodes` and example workflows (name → UI JSON) in its workflows dir. */
export async function startHarness(opts: { nodes: AnyNodeDefinition[]; workflows: Record<string, unknown> }): Promise<EditorHarness> {
  await ensureBundle();
  mkdirSync(artifactsDir, { recursive: true });
  const workflowsDir = mkdtempSync(path.join(os.tmpdir(), 'pg-workflows-'));
  for (const [name, wf] of Object.entries(opts.workflows)) writeFileSync(path.join(workflowsDir, `${name}.json`), JSON.stringify(wf));
  // `workflowsDir` is the proposed server option behind GET /workflows (cast: not in ServerOptions yet).
  const server = await startTestServer({ nodes: opts.nodes, staticDir: distDir, ...({ workflowsDir } as object) });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  return {
    server, browser, workflowsDir,
    async openEditor() {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
      await page.goto(server.url + '/');
      await page.waitForFunction(() => window.perceptgraph?.ready === true, undefined, { timeout: 20_000 });
      return { page, consoleErrors };
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(workflowsDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the page saw the final `executing {node: null}` of its last queued prompt; returns its messages. */
export async function waitForRun(page: Page, promptId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  await page.waitForFunction(
    (id) => window.perceptgraph!.app.messages.some((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === id),
    promptId,
    { timeout: 30_000 },
  );
  return page.evaluate((id) => window.perceptgraph!.app.messages.filter((m) => m.data.prompt_id === id), promptId);
}

/** Saves a screenshot under `test-artifacts/graph-editor/`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}
