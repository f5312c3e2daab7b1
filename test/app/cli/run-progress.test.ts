import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../../app/cli/run-progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, sink: { write: (t: string) => void out.push(t), isTTY, columns: 60 } };
}
const title = (id: string) => ({ '3': 'KSampler', '8': 'VAE Decode' })[id] ?? id;

describe('progressReporter', () => {
  it('draws one bar per node on a terminal, redrawn in place, named by title', () => {
    const s = sink(true);
    const p = progressReporter(s.sink, { title, total: 2 });
    p.onEvent({ type: 'executing', node: '3' });
    p.onEvent({ type: 'progress', node: '3', value: 1, max: 2 });
    p.onEvent({ type: 'progress', node: '3', value: 2, max: 2 });
    p.onEvent({ type: 'executing', node: '8' });
    p.finish();
    const text = s.out.join('');
    expect(text).toContain('[1/2] KSampler');
    expect(text).toMatch(/\r\[1\/2\] KSampler \[#+-+\] 1\/2/);
    expect(text).toMatch(/\r\[1\/2\] KSampler \[#+\] 2\/2\x1b\[K\n\[2\/2\] VAE Decode\n$/);
  });

  it('writes plain lines elsewhere: one per node, one per quarter of its steps', () => {
    const s = sink(false);
    const p = progressReporter(s.sink, { title, total: 1 });
    p.onEvent({ type: 'executing', node: '3' });
    for (let i = 1; i <= 20; i++) p.onEvent({ type: 'progress', node: '3', value: i, max: 20 });
    p.finish();
    expect(s.out.join('')).toBe('[1/1] KSampler (node 3)\n  KSampler: 5/20\n  KSampler: 10/20\n  KSampler: 15/20\n  KSampler: 20/20\n');
  });
});
