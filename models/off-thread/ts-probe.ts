// Imported by off-thread-worker.mjs to learn whether TypeScript loads in the worker; exports nothing useful.
export const TS_PROBE = true;
