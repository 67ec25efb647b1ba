import { suite } from "uvu";
import * as assert from "uvu/assert";
import { millis, seconds } from "../../sim/core/time.ts";
import { Fault, FaultError, type FaultOptions } from "../../sim/faults/options.ts";

const t = suite("Fault options: defaults and validation at construction");

t("defaults: mode one, the action as name; gracePeriod in whole seconds", () => {
  const f = new Fault({ action: "pod-kill", selector: { labels: { app: "web" } }, gracePeriod: seconds(5) });
  assert.is(f.name, "pod-kill");
  assert.is(f.mode, "one");
  assert.is(f.gracePeriodSeconds, 5);
  assert.ok(f.targetsPods);
  assert.not.ok(new Fault({ action: "network-partition", selector: {} }, "events[3]").targetsPods);
  assert.is(new Fault({ action: "node-failure", selector: {} }, "events[3]").name, "events[3]");
});

t("invalid faults fail at construction, naming the field", () => {
  const rows: [string, FaultOptions, RegExp][] = [
    ["unknown action", { action: "disk-fill" as FaultOptions["action"], selector: {} }, /action: Unsupported value: "disk-fill"/],
    ["unknown mode", { action: "pod-kill", mode: "random-max-percent" as FaultOptions["mode"], selector: {} }, /mode: Unsupported value/],
    ["fixed without value", { action: "pod-kill", mode: "fixed", selector: {} }, /value: Invalid value: undefined/],
    ["fixed 0", { action: "pod-kill", mode: "fixed", value: 0, selector: {} }, /value: Invalid value: 0/],
    ["fixed 1.5", { action: "pod-kill", mode: "fixed", value: 1.5, selector: {} }, /whole number/],
    ["fixed-percent 0", { action: "pod-kill", mode: "fixed-percent", value: 0, selector: {} }, /1–100/],
    ["fixed-percent 150", { action: "pod-kill", mode: "fixed-percent", value: 150, selector: {} }, /1–100/],
    ["value with mode one", { action: "pod-kill", mode: "one", value: 2, selector: {} }, /value: Forbidden/],
    ["unknown selector field", { action: "pod-kill", selector: { namespace: "x" } as FaultOptions["selector"] }, /selector.namespace: Unsupported field/],
    ["duration on pod-kill", { action: "pod-kill", selector: {}, duration: seconds(10) }, /duration: Forbidden/],
    ["duration on pod-failure (not modelled)", { action: "pod-failure", selector: {}, duration: seconds(10) }, /duration: Forbidden/],
    ["zero duration", { action: "node-failure", selector: {}, duration: 0 }, /duration: Invalid value: 0/],
    ["gracePeriod on node-failure", { action: "node-failure", selector: {}, gracePeriod: seconds(1) }, /gracePeriod: Forbidden/],
    ["fractional gracePeriod", { action: "pod-kill", selector: {}, gracePeriod: millis(500) }, /gracePeriod: Invalid value: 500ms: must be a whole number of seconds/],
  ];
  for (const [name, options, message] of rows) {
    assert.throws(() => new Fault(options, "f"), (e: unknown) => e instanceof FaultError && message.test((e as Error).message), name);
  }
});

t("the scenario's fault shape is accepted as is", () => {
  // sim/scenario/types.ts Fault: mode always present, durations as µs.
  const f = new Fault({ action: "node-drain", mode: "fixed-percent", value: 50, selector: { pool: "worker", zone: "b" }, duration: seconds(180), gracePeriod: 0 });
  assert.equal([f.mode, f.value, f.duration, f.gracePeriodSeconds], ["fixed-percent", 50, seconds(180), 0]);
});

t.run();
