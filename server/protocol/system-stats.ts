/**
 * `/system_stats` on the wire (ComfyUI server.py `system_stats`), declared once. ComfyUI's frontend validates
 * this shape (every device needs `name, type, index, vram_total, vram_free, torch_vram_total, torch_vram_free`),
 * so our own device fields travel next to those. Pure: no Node or DOM imports.
 */

/** A device: ComfyUI's fields plus whatever the runtime adds (provider, sessions, memory held, worker id...). */
export interface WireDeviceStats {
  name: string;
  type: string;
  index: number;
  /** Device memory, bytes; for a CPU device the machine's RAM (as ComfyUI reports for `cpu`). */
  vram_total: number;
  vram_free: number;
  /** ComfyUI: memory torch reserved. Ours: bytes held by loaded ONNX sessions (`memory_held`), free 0. */
  torch_vram_total: number;
  torch_vram_free: number;
  [extra: string]: unknown;
}

/** The `system` dict: ComfyUI's keys, with the values this server can honestly give (see docs/comfyui-protocol.md). */
export interface WireSystemInfo {
  os: string;
  ram_total: number;
  ram_free: number;
  comfyui_version: string;
  required_frontend_version: string;
  installed_templates_version: string;
  required_templates_version: string;
  python_version: string;
  pytorch_version: string;
  embedded_python: boolean;
  argv: string[];
  [extra: string]: unknown;
}

export interface WireSystemStats {
  system: WireSystemInfo;
  devices: WireDeviceStats[];
  /** Ours, beside ComfyUI's keys: `stand_in_models` is true when only the tiny random models are installed. */
  perceptgraph?: { stand_in_models: boolean };
}
