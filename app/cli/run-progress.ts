/**
 * `perceptgraph run`'s progress on stderr. On a terminal each node gets one line, redrawn in place as a bar
 * (`[3/7] KSampler [########------] 12/20`); elsewhere (a pipe, a log file, CI) plain lines: one when a node
 * starts and one per quarter of its steps, so logs stay short and readable.
 */
import type { ExecutionEvent } from '../../server/engine/execution-events.js';

/** Where the progress goes: a write function, and whether it is a terminal (and how wide). */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Returns the event handler; `title(id)` names a node, `total` is how many nodes the prompt runs. */
export function progressReporter(sink: ProgressSink, o: { title: (id: string) => string; total: number }): { onEvent: (e: ExecutionEvent) => void; finish: () => void } {
  let index = 0;
  let open = false;
  let lastQuarter = -1;
  let label = '';
  const endLine = () => {
    if (open) sink.write('\n');
    open = false;
  };
  const bar = (value: number, max: number) => {
    const tail = ` ${value}/${max}`;
    const width = Math.max(10, Math.min(30, (sink.columns ?? 80) - label.length - tail.length - 4));
    const filled = max > 0 ? Math.min(width, Math.round((width * value) / max)) : width;
    sink.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}\x1b[K`);
  };
  const onEvent = (e: ExecutionEvent) => {
    if (e.type === 'execution_cached' && e.nodes.length) {
      index += e.nodes.length;
      sink.write(`cached: ${e.nodes.map(o.title).join(', ')}\n`);
    } else if (e.type === 'executing') {
      endLine();
      index += 1;
      label = `[${Math.min(index, o.total)}/${o.total}] ${o.title(e.node)}`;
      lastQuarter = -1;
      if (sink.isTTY) {
        sink.write(label);
        open = true;
      } else sink.write(`${label} (node ${e.node})\n`);
    } else if (e.type === 'progress') {
      if (sink.isTTY) {
        bar(e.value, e.max);
        open = true;
      } else {
        const quarter = e.max > 0 ? Math.floor((4 * e.value) / e.max) : 4;
        if (quarter > lastQuarter && quarter > 0) sink.write(`  ${o.title(e.node)}: ${e.value}/${e.max}\n`);
        lastQuarter = Math.max(lastQuarter, quarter);
      }
    }
  };
  return { onEvent, finish: endLine };
}
