import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EventBudgetExceeded, Priority, Simulation, WallTimeExceeded } from "../../sim/core/simulation.ts";
import { seconds } from "../../sim/core/time.ts";

const t = suite("simulation loop runs events in virtual time, until a time, a stop or a budget");

t("the clock jumps to each event's time", () => {
  const sim = new Simulation();
  const seen: number[] = [];
  sim.at(seconds(3), () => seen.push(sim.now));
  sim.at(seconds(1), () => seen.push(sim.now));
  assert.is(sim.run(), "empty");
  assert.equal(seen, [seconds(1), seconds(3)]);
  assert.is(sim.eventsProcessed, 2);
});

t("handlers receive their numeric argument", () => {
  const sim = new Simulation();
  const seen: number[] = [];
  const record = (arg: number) => seen.push(arg);
  sim.at(1, record, 7);
  sim.at(2, record, 9);
  sim.run();
  assert.equal(seen, [7, 9]);
});

t("events scheduled by events at the same instant run after the ones already queued (FIFO)", () => {
  const sim = new Simulation();
  const order: string[] = [];
  sim.at(5, () => {
    order.push("a");
    sim.after(0, () => order.push("a-child"));
  });
  sim.at(5, () => order.push("b"));
  sim.run();
  assert.equal(order, ["a", "b", "a-child"]);
});

t("priorities order the same instant: Urgent, Normal, Observe", () => {
  const sim = new Simulation();
  const order: string[] = [];
  sim.at(1, () => order.push("observe"), 0, Priority.Observe);
  sim.at(1, () => order.push("normal"), 0, Priority.Normal);
  sim.at(1, () => order.push("urgent"), 0, Priority.Urgent);
  sim.run();
  assert.equal(order, ["urgent", "normal", "observe"]);
});

t("run until processes events at exactly `until` and leaves later ones pending", () => {
  const sim = new Simulation();
  const seen: number[] = [];
  for (const s of [1, 2, 3, 4]) sim.at(seconds(s), () => seen.push(s));
  assert.is(sim.run({ until: seconds(2) }), "until");
  assert.equal(seen, [1, 2]);
  assert.is(sim.now, seconds(2));
  assert.is(sim.pending, 2);
  sim.run({ until: seconds(10) });
  assert.equal(seen, [1, 2, 3, 4]);
  assert.is(sim.now, seconds(10), "the clock reads `until` even when the queue ran dry earlier");
});

t("stop() ends the run after the current event", () => {
  const sim = new Simulation();
  const seen: number[] = [];
  sim.at(1, () => {
    seen.push(1);
    sim.stop();
  });
  sim.at(2, () => seen.push(2));
  assert.is(sim.run(), "stopped");
  assert.equal(seen, [1]);
  assert.is(sim.pending, 1);
});

t("an event budget is exceeded with its own error type, naming the time", () => {
  const sim = new Simulation();
  const tick = () => sim.after(seconds(1), tick);
  sim.at(0, tick);
  try {
    sim.run({ maxEvents: 100 });
    assert.unreachable("budget should have been exceeded");
  } catch (error) {
    assert.instance(error, EventBudgetExceeded);
    const e = error as EventBudgetExceeded;
    assert.is(e.budget, 100);
    assert.is(e.at, seconds(100)); // events at 0..99 s ran; the 101st is due at 100 s
    assert.is(e.message, "event budget of 100 events exceeded at t=100s");
  }
  assert.is(sim.eventsProcessed, 100);
});

t("a simulation-wide budget counts events and charged work together, and allows exactly its size", () => {
  const cases: readonly [events: number, chargedPerEvent: number, maxWork: number, throws: boolean][] = [
    [10, 0, 10, false],
    [10, 0, 9, true],
    [10, 4, 50, false], // 10 events + 40 charged = 50
    [10, 4, 49, true],
    [1, 1000, 100, true], // work charged inside one event ends the run from inside it
  ];
  for (const [events, perEvent, maxWork, throws] of cases) {
    const sim = new Simulation();
    sim.limit({ maxWork });
    for (let i = 0; i < events; i++) sim.at(i, () => { for (let k = 0; k < perEvent; k++) sim.charge(); });
    const label = `${events} events × ${perEvent} charged, budget ${maxWork}`;
    if (throws) assert.throws(() => sim.run(), (e: unknown) => e instanceof EventBudgetExceeded && e.budget === maxWork, label);
    else assert.is(sim.run(), "empty", label);
    if (throws) assert.is(sim.workDone, maxWork + 1, label);
  }
});

t("a deadline is polled every 4096 units of work, and ends the run with WallTimeExceeded", () => {
  const sim = new Simulation();
  let polls = 0;
  sim.limit({ overDeadline: () => ++polls >= 3 });
  const tick = () => sim.after(1, tick);
  sim.at(0, tick);
  assert.throws(() => sim.run(), (e: unknown) => e instanceof WallTimeExceeded);
  assert.is(polls, 3);
  assert.is(sim.eventsProcessed, 3 * 4096);
});

t("a budget that is exactly enough does not throw", () => {
  const sim = new Simulation();
  for (let i = 0; i < 10; i++) sim.at(i, () => {});
  assert.is(sim.run({ maxEvents: 10 }), "empty");
});

t("cancel and reschedule through the simulation", () => {
  const sim = new Simulation();
  const seen: string[] = [];
  const a = sim.at(seconds(1), () => seen.push("a"));
  const b = sim.at(seconds(2), () => seen.push("b"));
  assert.ok(sim.cancel(a));
  assert.ok(sim.reschedule(b, seconds(5)));
  assert.is(sim.timeOf(b), seconds(5));
  sim.run();
  assert.equal(seen, ["b"]);
  assert.is(sim.now, seconds(5));
  assert.not.ok(sim.isPending(b));
});

t("scheduling in the past or at a fractional time is refused", () => {
  const sim = new Simulation();
  sim.at(10, () => {});
  sim.run();
  assert.throws(() => sim.at(5, () => {}), /must be an integer not before now \(10µs\)/);
  assert.throws(() => sim.at(10.5, () => {}), /must be an integer/);
  assert.throws(() => sim.run({ until: 3 }), /before now/);
});

t("afterEvent observes every event", () => {
  const sim = new Simulation();
  const times: number[] = [];
  sim.afterEvent = (s) => times.push(s.now);
  sim.at(1, () => {});
  sim.at(4, () => {});
  sim.run();
  assert.equal(times, [1, 4]);
});

t.run();
