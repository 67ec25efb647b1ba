/**
 * Kubernetes resource quantities (apimachinery pkg/api/resource/quantity.go) as scenarios and
 * manifests write them: `4`, `500m`, `1.5`, `16Gi`, `129e6`, `129M`, `123Mi`. Parsed exactly
 * (BigInt, no float rounding), then read out as Kubernetes reads them: `MilliValue()` for CPU
 * (millicores) and `Value()` for memory and counts (bytes), both rounding up.
 *
 * Grammar (quantity.go):
 *   quantity ::= sign? number suffix
 *   number   ::= digits | digits "." digits | digits "." | "." digits
 *   suffix   ::= binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (n u m "" k M G T P E) | ("e"|"E") sign? digits
 *
 * Left out: canonical re-serialisation (`1000m` → `1`), and values beyond 2^53 units, which no
 * node or container request reaches and which are refused rather than rounded.
 */

/** The API server's own wording for a malformed quantity. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export class QuantityError extends Error {
  override name = "QuantityError";
}

/** An exact quantity: `numerator / 10^scale`. */
export interface Quantity {
  readonly numerator: bigint;
  readonly scale: number;
}

const BINARY_SI: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** Powers of ten of the decimal SI suffixes. */
const DECIMAL_SI: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const SHAPE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const EXPONENT = /^[eE]([+-]?[0-9]+)$/;
/** Exponents beyond this are refused: no resource is 10^100 of anything. */
const MAX_EXPONENT = 100;

/**
 * Parses a quantity. Numbers (from unquoted YAML such as `cpu: 2` or `cpu: 0.5`) are read from
 * their decimal text, as the API server reads the JSON number.
 */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === "number" ? numberText(input) : input;
  const shape = SHAPE.exec(text);
  if (shape === null) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  const [, sign, whole, fraction = "", suffix] = shape;
  if (whole === "" && fraction === "") throw new QuantityError(QUANTITY_FORMAT_MESSAGE);

  let numerator = BigInt(`${whole}${fraction}` || "0");
  let scale = fraction.length;
  const binary = BINARY_SI[suffix];
  if (binary !== undefined) {
    numerator *= binary;
  } else {
    let power = DECIMAL_SI[suffix];
    if (power === undefined) {
      const exponent = EXPONENT.exec(suffix);
      if (exponent === null) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
      power = Number(exponent[1]);
      if (Math.abs(power) > MAX_EXPONENT) throw new QuantityError(`quantity exponent ${power} is out of range`);
    }
    if (power >= 0) numerator *= 10n ** BigInt(power);
    else scale -= power;
  }
  return { numerator: sign === "-" ? -numerator : numerator, scale };
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  return String(n);
}

/** ⌈q × 10^shift⌉ as a safe integer. */
function ceilScaled(q: Quantity, shift: number): number {
  let n = q.numerator;
  let scale = q.scale - shift;
  if (scale < 0) {
    n *= 10n ** BigInt(-scale);
    scale = 0;
  }
  const d = 10n ** BigInt(scale);
  let result = n / d;
  if (n % d !== 0n && n > 0n) result += 1n;
  if (result > BigInt(Number.MAX_SAFE_INTEGER) || result < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuantityError(`quantity is too large: kubesim holds at most ${Number.MAX_SAFE_INTEGER} ${shift === 3 ? "millicores" : "bytes"}`);
  }
  return Number(result);
}

/** Kubernetes `MilliValue()`: thousandths, rounded up (`0.0001` CPU is 1m). */
export function milliValue(q: Quantity): number {
  return ceilScaled(q, 3);
}

/** Kubernetes `Value()`: whole units, rounded up (`0.5` bytes is 1 byte). */
export function value(q: Quantity): number {
  return ceilScaled(q, 0);
}

export function isNegative(q: Quantity): boolean {
  return q.numerator < 0n;
}

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.numerator * 10n ** BigInt(scale - a.scale);
  const y = b.numerator * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** CPU in millicores: `"4"` → 4000, `500m` → 500, `1.5` → 1500. */
export function cpuMillicores(input: string | number): number {
  return milliValue(parseQuantity(input));
}

/** Memory in bytes: `16Gi` → 17179869184, `129M` → 129000000. */
export function memoryBytes(input: string | number): number {
  return value(parseQuantity(input));
}
