/**
 * Builds litegraph node classes from `/object_info` at load time, so new server nodes appear with no editor change.
 * Each widget input gets a widget plus a widget socket (litegraph shows it on hover and links can replace the
 * widget value); other inputs are typed sockets coloured by type. Also registers the frontend-only `Note` and
 * `Reroute` nodes, the `PrimitiveNode` (primitive-node.ts), and red placeholders for types the server does not know.
 */
import { LGraphCanvas, LGraphNode, LiteGraph, SlotShape } from './litegraph.js';
import { orderedInputs, specType, widgetSlotOf, type NodeDefInfo, type ObjectInfo } from '../../server/protocol/ui-to-api.js';
import type { UiNode } from '../../server/protocol/ui-workflow.js';
import { registerPrimitiveNode } from './primitive-node.js';
import { addSlotWidget, type WidgetDeps } from './widgets.js';

/** Colours of well-known socket types (ComfyUI's palette); other types get a stable hashed hue. */
const TYPE_COLOURS: Record<string, string> = {
  MODEL: '#B39DDB', CLIP: '#FFD500', VAE: '#FF6E6E', CONDITIONING: '#FFA931', LATENT: '#FF9CF9', IMAGE: '#64B5F6',
  MASK: '#81C784', INT: '#29699c', FLOAT: '#8fb7d6', STRING: '#77ff77', BOOLEAN: '#e06666', CLIP_VISION: '#A8DADC',
  EMBEDS: '#ffbf69', SCORES: '#f4a261', CLIP_EMBED: '#c77dff',
};

/** The colour of a socket type: the palette, else an HSL hue hashed from the name. */
export function typeColour(type: string): string {
  const known = TYPE_COLOURS[type];
  if (known) return known;
  let h = 0;
  for (const ch of type) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360}, 60%, 65%)`;
}

/** Dependencies of the generated classes. */
export interface NodeTypeDeps extends WidgetDeps {
  /** Draws run state (images, scores, progress, errors) over a node. */
  drawOverlay(node: LGraphNode, ctx: CanvasRenderingContext2D): void;
  /** A press at a node-relative point; true when it hit something of the run state (an image: lightbox). */
  pressOverlay?(node: LGraphNode, x: number, y: number): boolean;
}

/** A node built from a definition carries it, so the editor can tell widget inputs from sockets later. */
export interface DefinedNode extends LGraphNode {
  nodeDef?: NodeDefInfo;
  placeholder?: boolean;
}

function registerColours(types: Iterable<string>): void {
  const canvasColours = LGraphCanvas.link_type_colors as Record<string, string>;
  for (const t of types) canvasColours[t] = typeColour(t);
}

/** Appends widget sockets and outputs that a loaded node lacks, keeping its size and existing slot indices. */
function addMissingSlots(node: LGraphNode, def: NodeDefInfo): void {
  const size: [number, number] = [node.size[0], node.size[1]];
  const names = new Set(node.inputs.map((i) => (i as { widget?: { name: string } }).widget?.name ?? i.name));
  for (const { name, spec } of orderedInputs(def)) {
    if (!names.has(name) && widgetSlotOf(name, spec)) node.addInput(name, specType(spec), { widget: { name } } as never);
  }
  const have = node.outputs.length;
  (def.output ?? []).slice(have).forEach((type, i) => node.addOutput(def.output_name?.[have + i] ?? String(type), String(type)));
  node.setSize(size);
}

function makeNodeClass(name: string, def: NodeDefInfo, deps: NodeTypeDeps): typeof LGraphNode {
  const displayName = def.display_name || name;
  class ApiNode extends LGraphNode {
    static override title = displayName;
    nodeDef = def;
    constructor(title?: string) {
      super(title ?? displayName);
      this.serialize_widgets = true;
      for (const { name: input, spec, optional } of orderedInputs(def)) {
        const slot = widgetSlotOf(input, spec);
        if (slot) {
          addSlotWidget(this, slot, deps);
          this.addInput(input, specType(spec), { widget: { name: input } } as never);
        } else {
          this.addInput(input, specType(spec), (optional ? { shape: SlotShape.hollowCircle } : {}) as never);
        }
      }
      (def.output ?? []).forEach((type, i) => {
        const listShape = def.output_is_list?.[i] ? { shape: SlotShape.grid } : {};
        this.addOutput(def.output_name?.[i] ?? String(type), String(type), listShape as never);
      });
      this.setSize(this.computeSize());
      // litegraph sets its own onMouseDown (title buttons) on the instance, which shadows a method: wrap it.
      const base = this.onMouseDown;
      this.onMouseDown = (e, pos, canvas) => deps.pressOverlay?.(this, pos[0], pos[1]) || (base?.call(this, e, pos, canvas) ?? false);
    }
    override configure(info: Parameters<LGraphNode['configure']>[0]): void {
      // Litegraph merges saved slots into the constructor's by index, which scrambles them when the file lists
      // fewer (older files have no widget sockets): start from the file's slots exactly.
      if (info.inputs) this.inputs = [];
      if (info.outputs) this.outputs = [];
      super.configure(info);
      addMissingSlots(this, def);
    }
    override onDrawForeground(ctx: CanvasRenderingContext2D): void {
      deps.drawOverlay(this, ctx);
    }
  }
  return ApiNode;
}

/**
 * Registers one class per `/object_info` entry under its class name, with `category` set for the add-node menu and
 * search box. Returns the socket types seen (for colouring).
 */
export function registerNodeTypes(objectInfo: ObjectInfo, deps: NodeTypeDeps): Set<string> {
  const types = new Set<string>();
  for (const [name, def] of Object.entries(objectInfo)) {
    const cls = makeNodeClass(name, def, deps);
    LiteGraph.registerNodeType(name, cls);
    // registerNodeType derives the category from a "/" path; ours comes from the definition instead.
    (cls as unknown as { category: string }).category = def.category || 'other';
    for (const { spec } of orderedInputs(def)) types.add(specType(spec));
    for (const t of def.output ?? []) types.add(String(t));
  }
  registerColours(types);
  registerFrontendNodes();
  registerPrimitiveNode(deps);
  return types;
}

function registerFrontendNodes(): void {
  class NoteNode extends LGraphNode {
    static override title = 'Note';
    constructor(title?: string) {
      super(title ?? 'Note');
      this.serialize_widgets = true;
      this.color = '#432';
      this.bgcolor = '#653';
      addSlotWidget(this, { name: 'text', kind: 'STRING', options: { multiline: true }, choices: [], control: false, upload: false }, {
        upload: async () => '',
      });
      this.setSize([300, 110]);
    }
  }
  class RerouteNode extends LGraphNode {
    static override title = 'Reroute';
    constructor(title?: string) {
      super(title ?? 'Reroute');
      this.addInput('', '*');
      this.addOutput('', '*');
      this.setSize([75, 26]);
    }
  }
  for (const [type, cls] of [['Note', NoteNode], ['Reroute', RerouteNode]] as const) {
    LiteGraph.registerNodeType(type, cls);
    (cls as unknown as { category: string }).category = 'utils';
  }
}

/**
 * Registers a red placeholder for a node type the server does not know, so a loaded workflow keeps the node, its
 * links and its widget values (they are written back unchanged on save). Returns false when the type exists.
 */
export function registerPlaceholder(type: string): boolean {
  if (LiteGraph.registered_node_types[type]) return false;
  class Placeholder extends LGraphNode {
    static override title = type;
    placeholder = true;
    original?: UiNode;
    constructor(title?: string) {
      super(title ?? type);
      this.color = '#a00';
      this.bgcolor = '#600';
    }
    override onConfigure(info: unknown): void {
      this.original = structuredClone(info) as UiNode;
    }
    override serialize(): never {
      // Widget values and any unknown keys come from the original; position, links and mode from the live node.
      return { ...this.original, ...super.serialize(), widgets_values: this.original?.widgets_values } as never;
    }
    override onDrawForeground(ctx: CanvasRenderingContext2D): void {
      ctx.fillStyle = '#fbb';
      ctx.font = '12px sans-serif';
      ctx.fillText(`Unknown node type: ${type}`, 8, this.size[1] - 8);
    }
  }
  LiteGraph.registerNodeType(type, Placeholder);
  // Kept out of the add-node menu and search: it only exists to hold a loaded node.
  Object.assign(Placeholder, { category: 'missing', skip_list: true });
  return true;
}
