/**
 * `npm run bench`: every benchmark, each printed as a ratio against a baseline measured in the same run.
 * `npm run bench -- engine` runs only the named groups.
 */
import os from 'node:os';
import { benchEngineOverhead } from './engine-overhead.js';

type Group = { name: string; run: () => Promise<void> };

function machine(): string {
  return `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

const groups: Group[] = [
  {
    name: 'engine',
    async run() {
      for (const shape of ['chain', 'diamond'] as const) {
        const f = await benchEngineOverhead(shape);
        console.log(
          `engine ${shape} ${f.nodes} nodes: validate ${f.validateMs.toFixed(2)} ms + execute ${f.executeMs.toFixed(2)} ms = ${f.totalMs.toFixed(2)} ms ` +
            `(target < 50 ms); direct calls ${f.directMs.toFixed(2)} ms; overhead ${f.overheadUsPerNode.toFixed(2)} µs/node (target < 20); ratio ${f.ratio.toFixed(1)}×`,
        );
      }
    },
  },
];

const wanted = process.argv.slice(2);
console.log(`machine: ${machine()}`);
for (const g of groups) {
  if (wanted.length && !wanted.includes(g.name)) continue;
  await g.run();
}
