/**
 * The baseline the core loop is measured against in the same run: a bare binary heap of
 * (time, sequence) in typed arrays with a payload index, no cancel, no handles, no handlers —
 * the least a discrete-event loop can do per event.
 */
export class BareHeap {
  time: Float64Array;
  seq: Float64Array;
  payload: Int32Array;
  size = 0;
  #next = 0;

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.payload = new Int32Array(capacity);
  }

  push(t: number, p: number): void {
    let i = this.size++;
    const s = this.#next++;
    const time = this.time;
    const seq = this.seq;
    const payload = this.payload;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (time[parent] < t || (time[parent] === t && seq[parent] < s)) break;
      time[i] = time[parent];
      seq[i] = seq[parent];
      payload[i] = payload[parent];
      i = parent;
    }
    time[i] = t;
    seq[i] = s;
    payload[i] = p;
  }

  /** Removes the minimum; returns its payload (its time is left in `lastTime`). */
  pop(): number {
    const time = this.time;
    const seq = this.seq;
    const payload = this.payload;
    const top = payload[0];
    this.lastTime = time[0];
    const n = --this.size;
    const t = time[n];
    const s = seq[n];
    const p = payload[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (time[c + 1] < time[c] || (time[c + 1] === time[c] && seq[c + 1] < seq[c]))) c++;
      if (t < time[c] || (t === time[c] && s < seq[c])) break;
      time[i] = time[c];
      seq[i] = seq[c];
      payload[i] = payload[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    payload[i] = p;
    return top;
  }

  lastTime = 0;
}
