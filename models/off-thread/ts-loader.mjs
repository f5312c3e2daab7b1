// Imports a project module (TypeScript) from a worker thread. Plain JS: a worker starts before any TypeScript
// loader is known to it. Shared by the off-thread worker and the engine thread (docs/architecture.md,
// "Responsiveness").
//
// TypeScript needs tsx's loader, which a worker does not inherit from `register()` in the parent (under
// `node --import tsx` it does, through execArgv). A failed import is cached per URL, so a throwaway probe module
// decides, never the module itself.
const loader = (async () => {
  try {
    await import(new URL('./ts-probe.ts', import.meta.url).href);
  } catch (e) {
    if (e?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    const { register } = await import('tsx/esm/api');
    register();
  }
})();

/** `import(url)` once tsx's loader is known to be registered in this thread. */
export async function importModule(url) {
  await loader;
  return import(url);
}
