// The engine thread's entry (docs/architecture.md, "Responsiveness"). Plain JS: it lowers this thread's priority
// under `serve` and registers tsx where needed before the TypeScript host (./host.ts) is imported.
import { workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../models/compute-priority.mjs';
import { importModule } from '../../models/off-thread/ts-loader.mjs';

if (workerData?.config?.lowerComputePriority) lowerThisThreadPriority();
const { hostEngine } = await importModule(new URL('./host.ts', import.meta.url).href);
await hostEngine();
