/**
 * ComfyUI's frontend-only `PrimitiveNode`: one editable value that drives the widget inputs it is linked to.
 * Linked to a widget socket it takes that widget's kind, options and value (and its control-after-generate
 * widget for a seed); more links must go to widgets of the same type, and an edit is shown on every target. The
 * value is what `uiToApi` sends for each linked input (`widgets_values[0]`, `server/protocol/ui-to-api.ts`);
 * control-after-generate applies to it after each queue like any other control (widgets.ts `applyControls`).
 */
import { LGraphNode, LiteGraph } from './litegraph.js';
import { addSlotWidget, type EditorWidget, type WidgetDeps } from './widgets.js';

/** The output's name and type before the first link (ComfyUI's). */
const UNLINKED = { name: 'connect to widget input', type: '*' } as const;

interface Target {
  node: LGraphNode;
  widget: EditorWidget;
}

/** The widgets fed by output 0 of `node` (through widget sockets). */
function targetsOf(node: LGraphNode): Target[] {
  const graph = node.graph;
  if (!graph) return [];
  const out: Target[] = [];
  for (const id of node.outputs[0]?.links ?? []) {
    const link = graph.getLink(id);
    const target = link && graph.getNodeById(link.target_id);
    const name = (target?.inputs[link!.target_slot] as { widget?: { name: string } } | undefined)?.widget?.name;
    const widget = name ? ((target!.widgets ?? []) as unknown as EditorWidget[]).find((w) => w.name === name) : undefined;
    if (target && widget?.slot) out.push({ node: target, widget });
  }
  return out;
}

/** Registers `PrimitiveNode` (category `utils`). */
export function registerPrimitiveNode(deps: WidgetDeps): void {
  class PrimitiveNode extends LGraphNode {
    static override title = 'Primitive';
    /** Values saved in the file, applied once the links are known. */
    private pending?: unknown[];

    constructor(title?: string) {
      super(title ?? 'Primitive');
      this.serialize_widgets = true;
      this.addOutput(UNLINKED.name, UNLINKED.type);
      this.setSize([240, 60]);
    }

    /** The value widget (the first one), if linked. */
    get valueWidget(): EditorWidget | undefined {
      return (this.widgets?.[0] as unknown as EditorWidget | undefined) ?? undefined;
    }

    override onConnectOutput(_slot: number, _type: unknown, input: { widget?: { name: string }; type?: unknown }): boolean {
      // Only widget sockets, and all of one type once the first is linked.
      if (!input.widget) return false;
      const type = String(this.outputs[0]!.type);
      return type === UNLINKED.type || !this.outputs[0]!.links?.length || LiteGraph.isValidConnection(type, input.type as string);
    }

    override onConnectionsChange(): void {
      // litegraph calls this before the link list settles; read it once it has.
      queueMicrotask(() => this.refresh());
    }

    override onConfigure(info: { widgets_values?: unknown[] }): void {
      this.pending = Array.isArray(info.widgets_values) ? [...info.widgets_values] : undefined;
    }

    /** Builds or drops the value widget from the current links; call after a graph load. */
    refresh(): void {
      const targets = targetsOf(this);
      const first = targets[0];
      if (!first) {
        if (this.widgets?.length && !this.pending) {
          this.widgets.length = 0;
          Object.assign(this.outputs[0]!, { name: UNLINKED.name, type: UNLINKED.type });
          this.setSize([240, 60]);
        }
        return;
      }
      const slot = first.widget.slot!;
      if (this.valueWidget?.slot?.name !== slot.name || this.valueWidget.slot.kind !== slot.kind) {
        if (this.widgets) this.widgets.length = 0;
        const w = addSlotWidget(this, slot, deps);
        w.value = first.widget.value;
        const own = w.callback;
        w.callback = (v) => {
          own?.call(w, v);
          this.applyToTargets();
        };
        const socket = first.node.inputs.find((i) => (i as { widget?: { name: string } }).widget?.name === slot.name);
        Object.assign(this.outputs[0]!, { name: slot.name, type: String(socket?.type ?? UNLINKED.type) });
        this.setSize([Math.max(240, this.size[0]), this.computeSize()[1]]);
      }
      if (this.pending) {
        this.pending.forEach((v, i) => {
          if (this.widgets?.[i]) this.widgets[i]!.value = v as never;
        });
        this.pending = undefined;
      }
      this.applyToTargets();
    }

    /** Shows the value on every linked widget (their own value is what a file without this node would send). */
    applyToTargets(): void {
      const value = this.valueWidget?.value;
      for (const t of targetsOf(this)) t.widget.value = value;
      this.setDirtyCanvas(true, false);
    }

    override onDrawForeground(): void {
      // A drag on the number widget changes the value without a callback on every step: keep targets in step.
      const value = this.valueWidget?.value;
      if (targetsOf(this).some((t) => t.widget.value !== value)) this.applyToTargets();
    }
  }
  LiteGraph.registerNodeType('PrimitiveNode', PrimitiveNode);
  (PrimitiveNode as unknown as { category: string }).category = 'utils';
}

/** Rebuilds every Primitive's widget after a load (links are set only after each node is configured). */
export function refreshPrimitives(nodes: Iterable<LGraphNode>): void {
  for (const n of nodes) {
    if (n.type === 'PrimitiveNode') (n as unknown as { refresh(): void }).refresh();
  }
}
