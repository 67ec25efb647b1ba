/**
 * Kubernetes resource quantities (apimachinery pkg/api/resource/quantity.go) for the two
 * resources the scheduler counts: CPU in millicores, memory in bytes. Accepts plain numbers,
 * decimal suffixes (k, M, G, T, P, E), binary suffixes (Ki … Ei), `m` (milli) and exponents
 * (`129e6`). CPU rounds up to the millicore, memory up to the byte, as the API does.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export class QuantityError extends Error {
  override name = "QuantityError";
}

/** The quantity's value as a number (e.g. "500m" → 0.5, "1Gi" → 1073741824). */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new QuantityError(`quantity must be a non-negative number, got ${value}`);
    return value;
  }
  const m = QUANTITY.exec(value.trim());
  if (m === null) throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got "${value}"`);
  const n = Number(m[1]);
  if (n < 0) throw new QuantityError(`quantity must not be negative, got "${value}"`);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? "";
  return n * (BINARY[suffix] ?? DECIMAL[suffix]);
}

export function parseCpuMilli(value: string | number): number {
  return Math.ceil(Math.round(parseQuantity(value) * 1e6) / 1e3);
}

export function parseMemoryBytes(value: string | number): number {
  return Math.ceil(parseQuantity(value) - 1e-9);
}
