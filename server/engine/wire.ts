/**
 * The engine's edge: its camelCase errors in ComfyUI's snake_case wire forms (`server/protocol/comfy-errors.ts`).
 * The API server, the queue and the CLI convert here and nowhere else.
 */
import type { WireExecutionError, WireGraphError, WireNodeErrors } from '../protocol/comfy-errors.js';
import type { GraphError } from './errors.js';
import type { ExecutionFailure } from './execution-events.js';
import type { NodeErrors } from './validate.js';

export function wireGraphError(e: GraphError): WireGraphError {
  return { type: e.type, message: e.message, details: e.details, extra_info: e.extraInfo };
}

export function wireNodeErrors(nodeErrors: NodeErrors): WireNodeErrors {
  const out: WireNodeErrors = {};
  for (const [id, n] of Object.entries(nodeErrors)) {
    out[id] = { errors: n.errors.map(wireGraphError), dependent_outputs: [...n.dependentOutputs], class_type: n.classType };
  }
  return out;
}

export function wireExecutionError(f: ExecutionFailure): WireExecutionError {
  const { nodeId, nodeType, exceptionMessage, exceptionType, currentInputs, currentOutputs, executed, traceback } = f;
  const ids = { node_id: nodeId, node_type: nodeType, executed: [...executed] };
  const exception = { exception_message: exceptionMessage, exception_type: exceptionType, traceback: [...traceback] };
  return { ...ids, ...exception, current_inputs: currentInputs, current_outputs: [...currentOutputs] };
}
