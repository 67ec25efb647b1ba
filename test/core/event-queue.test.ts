import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EventQueue } from "../../sim/core/event-queue.ts";

const t = suite("event queue orders by (time, priority, insertion) and supports cancel/reschedule");

interface Ref {
  id: number;
  time: number;
  priority: number;
  seq: number;
}

function byKey(a: Ref, b: Ref): number {
  return a.time - b.time || a.priority - b.priority || a.seq - b.seq;
}

t("pops in time order", () => {
  const q = new EventQueue<string>(4);
  q.push(30, 0, "c");
  q.push(10, 0, "a");
  q.push(20, 0, "b");
  assert.equal([q.pop(), q.pop(), q.pop()], ["a", "b", "c"]);
  assert.is(q.size, 0);
});

t("equal times run by priority, then FIFO", () => {
  const q = new EventQueue<string>();
  q.push(5, 1, "late-1");
  q.push(5, 0, "early-1");
  q.push(5, 1, "late-2");
  q.push(5, 0, "early-2");
  const order = [];
  while (q.size > 0) order.push(q.pop());
  assert.equal(order, ["early-1", "early-2", "late-1", "late-2"]);
});

t("pop exposes time, priority and arg of the popped event", () => {
  const q = new EventQueue<string>();
  q.push(7, 3, "x", 42);
  assert.is(q.pop(), "x");
  assert.is(q.lastTime, 7);
  assert.is(q.lastPriority, 3);
  assert.is(q.lastArg, 42);
});

t("cancel removes the event and refuses a second cancel", () => {
  const q = new EventQueue<string>();
  const a = q.push(1, 0, "a");
  q.push(2, 0, "b");
  assert.ok(q.cancel(a));
  assert.not.ok(q.cancel(a));
  assert.not.ok(q.isPending(a));
  assert.is(q.size, 1);
  assert.is(q.pop(), "b");
});

t("a handle of a popped event is stale even after its slot is reused", () => {
  const q = new EventQueue<string>();
  const a = q.push(1, 0, "a");
  q.pop();
  const b = q.push(2, 0, "b"); // reuses a's slot
  assert.is.not(a, b);
  assert.not.ok(q.cancel(a));
  assert.ok(q.isPending(b));
});

t("reschedule moves an event and gives it a fresh sequence number", () => {
  const q = new EventQueue<string>();
  const a = q.push(1, 0, "a");
  q.push(5, 0, "b");
  assert.ok(q.reschedule(a, 5, 0)); // now after b at t=5
  assert.is(q.timeOf(a), 5);
  assert.is(q.pop(), "b");
  assert.is(q.pop(), "a");
  assert.not.ok(q.reschedule(a, 9, 0));
});

t("rejects priorities outside [0, 255]", () => {
  const q = new EventQueue<string>();
  assert.throws(() => q.push(1, -1, "x"), /priority must be an integer/);
  assert.throws(() => q.push(1, 256, "x"), /priority must be an integer/);
});

t("grows past its initial capacity", () => {
  const q = new EventQueue<number>(16);
  for (let i = 0; i < 5000; i++) q.push(5000 - i, 0, i);
  let last = -1;
  for (let i = 0; i < 5000; i++) {
    q.pop();
    assert.ok(q.lastTime > last);
    last = q.lastTime;
  }
});

type Op =
  | { kind: "push"; time: number; priority: number }
  | { kind: "pop" }
  | { kind: "cancel"; pick: number }
  | { kind: "reschedule"; pick: number; time: number; priority: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("push" as const), time: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("pop" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("reschedule" as const), pick: fc.nat(), time: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 2 }) }),
  },
);

t("random push/pop/cancel/reschedule sequences match a reference sort", () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
      const q = new EventQueue<number>(16);
      const pending: Ref[] = [];
      const handles = new Map<number, number>();
      let seq = 0;
      let id = 0;
      for (const op of ops) {
        if (op.kind === "push") {
          const ref = { id: id++, time: op.time, priority: op.priority, seq: seq++ };
          handles.set(ref.id, q.push(op.time, op.priority, ref.id));
          pending.push(ref);
        } else if (op.kind === "pop") {
          if (pending.length === 0) continue;
          pending.sort(byKey);
          const expected = pending.shift()!;
          assert.is(q.pop(), expected.id);
          assert.is(q.lastTime, expected.time);
        } else if (pending.length > 0) {
          const ref = pending[op.pick % pending.length];
          const handle = handles.get(ref.id)!;
          if (op.kind === "cancel") {
            assert.ok(q.cancel(handle));
            pending.splice(pending.indexOf(ref), 1);
          } else {
            assert.ok(q.reschedule(handle, op.time, op.priority));
            ref.time = op.time;
            ref.priority = op.priority;
            ref.seq = seq++;
          }
        }
        assert.is(q.size, pending.length);
      }
      pending.sort(byKey);
      for (const ref of pending) assert.is(q.pop(), ref.id);
      assert.is(q.size, 0);
    }),
    { numRuns: 300 },
  );
});

t.run();
