/** Attributes always returned (RFC 7643 §7 `returned: always`). */
const ALWAYS = new Set(['id', 'schemas', 'meta']);

/** A lower-cased path split at the URN's last colon and the dots: ["urn:…:user", "manager", "value"]. */
function stepsOf(path: string): string[] {
  const lowered = path.toLowerCase();
  if (!lowered.startsWith('urn:')) return lowered.split('.');
  const colon = lowered.lastIndexOf(':');
  return [lowered.slice(0, colon), ...lowered.slice(colon + 1).split('.')];
}

function pick(resource: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const lowered = key.toLowerCase();
    if (ALWAYS.has(lowered)) {
      out[key] = value;
      continue;
    }
    const matching = paths.filter((steps) => steps[0] === lowered);
    if (matching.length === 0) continue;
    const deeper = matching.map((steps) => steps.slice(1)).filter((steps) => steps.length > 0);
    out[key] =
      deeper.length < matching.length || !value || typeof value !== 'object' || Array.isArray(value)
        ? value
        : pick(value as Record<string, unknown>, deeper);
  }
  return out;
}

function drop(resource: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const lowered = key.toLowerCase();
    const matching = paths.filter((steps) => steps[0] === lowered);
    if (!ALWAYS.has(lowered) && matching.some((steps) => steps.length === 1)) continue;
    const deeper = matching.map((steps) => steps.slice(1)).filter((steps) => steps.length > 0);
    out[key] =
      deeper.length > 0 && value && typeof value === 'object' && !Array.isArray(value)
        ? drop(value as Record<string, unknown>, deeper)
        : value;
  }
  return out;
}

/**
 * A resource with only the attributes asked for (`attributes`) or without those left out
 * (`excludedAttributes`), RFC 7644 §3.4.2.5; core attributes may be named with their schema's URN.
 */
export function projectResource(
  resource: Record<string, unknown>,
  projection: { attributes?: string[]; excludedAttributes?: string[] },
): Record<string, unknown> {
  const core = (path: string) => path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i, '');
  if (projection.attributes && projection.attributes.length > 0) {
    return pick(
      resource,
      projection.attributes.map((path) => stepsOf(core(path))),
    );
  }
  if (projection.excludedAttributes && projection.excludedAttributes.length > 0) {
    return drop(
      resource,
      projection.excludedAttributes.map((path) => stepsOf(core(path))),
    );
  }
  return resource;
}
