/**
 * Socket type compatibility (ComfyUI's validate_node_input): identical names match, `*` matches anything, and
 * comma-separated multi-types match when they share a member.
 */
export function accepts(received: string, expected: string): boolean {
  if (received === expected || received === '*' || expected === '*') return true;
  const r = received.split(',').map((s) => s.trim());
  const e = new Set(expected.split(',').map((s) => s.trim()));
  return r.some((t) => e.has(t));
}
