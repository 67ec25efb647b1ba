// Kubernetes resource quantities: the API server's grammar, read out as MilliValue (CPU) and
// Value (memory, rounded up), with its own error message for malformed text.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  compareQuantities,
  cpuMillicores,
  memoryBytes,
  parseQuantity,
  QUANTITY_FORMAT_MESSAGE,
  QuantityError,
} from "../../sim/scenario/quantity.ts";

const t = suite("scenario: quantity");

/** [written, millicores, whole units (bytes)]. */
const VALID: readonly [string | number, number, number][] = [
  ["4", 4000, 4],
  ["500m", 500, 1],
  ["1.5", 1500, 2],
  ["16Gi", 17179869184000, 17179869184],
  ["128974848", 128974848000, 128974848],
  ["129e6", 129000000000, 129000000],
  ["129M", 129000000000, 129000000],
  ["123Mi", 128974848000, 128974848],
  ["1Ki", 1024000, 1024],
  ["1k", 1000000, 1000],
  ["0.1", 100, 1],
  [".5", 500, 1],
  ["5.", 5000, 5],
  ["+2", 2000, 2],
  ["0", 0, 0],
  ["0.0001", 1, 1],
  ["1.5e-3", 2, 1],
  ["1E3", 1000000, 1000],
  ["100n", 1, 1],
  ["250u", 1, 1],
  [2, 2000, 2],
  [0.25, 250, 1],
];

for (const [text, milli, units] of VALID) {
  t(`${JSON.stringify(text)} is ${milli}m and ${units} units`, () => {
    assert.is(cpuMillicores(text), milli);
    assert.is(memoryBytes(text), units);
  });
}

t("quantities beyond 2^53 units are refused rather than rounded", () => {
  assert.throws(() => memoryBytes(1e21), (e: Error) => e instanceof QuantityError && /too large/.test(e.message));
  assert.throws(() => memoryBytes("8Ei"), (e: Error) => e instanceof QuantityError);
});

const INVALID = ["", "1 Gi", "1GB", "abc", "1.2.3", "--1", "1e", "Mi", "1kk", "1KI", "1K", "0x10", ".", "e3", " 1", "1e1000"];
for (const text of INVALID) {
  t(`${JSON.stringify(text)} is not a quantity`, () => {
    assert.throws(() => parseQuantity(text), (e: Error) => e instanceof QuantityError);
  });
}

t("malformed text gets the API server's message", () => {
  try {
    parseQuantity("2 cores");
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, QUANTITY_FORMAT_MESSAGE);
  }
});

t("parsing is exact: 0.1 + 0.2 style decimals compare exactly", () => {
  assert.is(compareQuantities(parseQuantity("0.3"), parseQuantity("300m")), 0);
  assert.is(compareQuantities(parseQuantity("1Gi"), parseQuantity("1G")), 1);
  assert.is(compareQuantities(parseQuantity("999m"), parseQuantity("1")), -1);
  assert.is(compareQuantities(parseQuantity("-1"), parseQuantity("0")), -1);
});

t.run();
