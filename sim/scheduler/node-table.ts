/**
 * The scheduler's hot per-node fields as columns: typed arrays indexed by a node's position in
 * the node list (allocatable, requested and non-zero requested resources, cordon, whether it has
 * taints, its zone as a small integer). A cycle on 5,000 nodes reads about 500 consecutive nodes
 * in the filters, in three scores and in spreading; reading them from node objects chases
 * pointers through several objects per node and misses the cache on a large cluster, reading
 * columns is sequential.
 *
 * The rows are copies read from the nodes, never derived: the owner appends every node it adds
 * to its list (`add`, same order), and marks a node (`markChanged`) after anything that may have
 * changed its requests, cordon or taints; `refresh` recopies the marked rows before a cycle.
 * A missed mark is a bug in the owner; `verifyRows` detects it (tests run it every cycle).
 *
 * Left out on purpose: labels and taint details. A node with taints, and every node for a pod
 * with node affinity, goes through the object-based filters and scores, as does a pod's own
 * DoNotSchedule spreading.
 */
import type { SchedNode } from "./types.ts";

export class NodeTable {
  readonly #nodes: SchedNode[] = [];
  readonly #positions = new Map<string, number>();
  #capacity = 0;
  allocatableCpu = new Float64Array(0);
  allocatableMemory = new Float64Array(0);
  allocatablePods = new Float64Array(0);
  requestedCpu = new Float64Array(0);
  requestedMemory = new Float64Array(0);
  requestedPods = new Float64Array(0);
  /** `nonZeroRequested ?? requested` (the LeastAllocated score's view). */
  nonZeroCpu = new Float64Array(0);
  nonZeroMemory = new Float64Array(0);
  /** 1 when cordoned (`unschedulable`). */
  unschedulable = new Uint8Array(0);
  /** 1 when the node has any taint. */
  tainted = new Uint8Array(0);
  /** Index into `zones`. */
  zone = new Int32Array(0);
  /**
   * NodeResourcesFit + BalancedAllocation score of the row for a pod of the requests numbered
   * `resourceScoreShape` (see `shapeOf`); -1: not computed since the row was read. Pods of one
   * template share their requests, so between two changes of a node the scheduler computes its
   * resource scores once instead of once per pod (four divisions a node). Only schedulable rows
   * without taints are keyed, and only for a pod that fits them, so while a row stays keyed (it
   * is unchanged) it also passes the filters for any pod of that shape without node affinity.
   */
  resourceScore = new Float64Array(0);
  resourceScoreShape = new Int32Array(0);
  /** cpu → memory → shape number. */
  readonly #shapes = new Map<number, Map<number, number>>();
  #shapeCount = 0;
  /** Zone values by id ("" = the node has no zone), in order of first appearance. */
  readonly zones: string[] = [];
  readonly #zoneIds = new Map<string, number>();
  /** Positions marked since the last refresh, and whether each is marked. */
  #marked = new Int32Array(0);
  #markedCount = 0;
  #isMarked = new Uint8Array(0);

  /** The node list the columns describe (pass this very array to schedulePod). */
  get nodes(): readonly SchedNode[] {
    return this.#nodes;
  }

  /** The position of a node, or undefined. */
  positionOf(name: string): number | undefined {
    return this.#positions.get(name);
  }

  /** A number for a pod's requests (cpu millis, memory bytes), the same for the same pair. */
  shapeOf(cpuMilli: number, memoryBytes: number): number {
    let byMemory = this.#shapes.get(cpuMilli);
    if (byMemory === undefined) this.#shapes.set(cpuMilli, (byMemory = new Map()));
    let shape = byMemory.get(memoryBytes);
    if (shape === undefined) byMemory.set(memoryBytes, (shape = this.#shapeCount++));
    return shape;
  }

  /** The id of a zone value, or -1 when no node has it. */
  zoneId(zone: string): number {
    return this.#zoneIds.get(zone) ?? -1;
  }

  /** Appends a node (its row is read now). Names are unique. */
  add(node: SchedNode): number {
    if (this.#positions.has(node.name)) throw new Error(`node table: node ${node.name} added twice`);
    const at = this.#nodes.length;
    if (at === this.#capacity) this.#grow(Math.max(16, 2 * this.#capacity));
    this.#nodes.push(node);
    this.#positions.set(node.name, at);
    let zone = this.#zoneIds.get(node.zone);
    if (zone === undefined) {
      zone = this.zones.length;
      this.zones.push(node.zone);
      this.#zoneIds.set(node.zone, zone);
    }
    this.zone[at] = zone;
    this.#read(at);
    return at;
  }

  /** Marks the named node's row as possibly stale (unknown names are ignored). */
  markChanged(name: string): void {
    const at = this.#positions.get(name);
    if (at === undefined || this.#isMarked[at] === 1) return;
    this.#isMarked[at] = 1;
    this.#marked[this.#markedCount++] = at;
  }

  /** Recopies the marked rows from their nodes. */
  refresh(): void {
    for (let i = 0; i < this.#markedCount; i++) {
      const at = this.#marked[i];
      this.#isMarked[at] = 0;
      this.#read(at);
    }
    this.#markedCount = 0;
  }

  /**
   * Throws when a row of `count` positions from `start` (wrapping) differs from its node: a node
   * changed without being marked. For tests: it reads the objects the columns stand for.
   */
  verifyRows(start: number, count: number): void {
    const n = this.#nodes.length;
    for (let i = 0; i < count && i < n; i++) {
      const at = (start + i) % n;
      const node = this.#nodes[at];
      const nonZero = node.nonZeroRequested ?? node.requested;
      const same =
        this.allocatableCpu[at] === node.allocatable.cpuMilli &&
        this.allocatableMemory[at] === node.allocatable.memoryBytes &&
        this.allocatablePods[at] === node.allocatable.pods &&
        this.requestedCpu[at] === node.requested.cpuMilli &&
        this.requestedMemory[at] === node.requested.memoryBytes &&
        this.requestedPods[at] === node.requested.pods &&
        this.nonZeroCpu[at] === nonZero.cpuMilli &&
        this.nonZeroMemory[at] === nonZero.memoryBytes &&
        this.unschedulable[at] === (node.unschedulable ? 1 : 0) &&
        this.tainted[at] === (node.taints.length > 0 ? 1 : 0) &&
        this.zones[this.zone[at]] === node.zone;
      if (!same) throw new Error(`node table: the row of node ${node.name} is stale (a change to it was not marked)`);
    }
  }

  #read(at: number): void {
    const node = this.#nodes[at];
    const alloc = node.allocatable;
    const used = node.requested;
    const nonZero = node.nonZeroRequested ?? used;
    this.allocatableCpu[at] = alloc.cpuMilli;
    this.allocatableMemory[at] = alloc.memoryBytes;
    this.allocatablePods[at] = alloc.pods;
    this.requestedCpu[at] = used.cpuMilli;
    this.requestedMemory[at] = used.memoryBytes;
    this.requestedPods[at] = used.pods;
    this.nonZeroCpu[at] = nonZero.cpuMilli;
    this.nonZeroMemory[at] = nonZero.memoryBytes;
    this.unschedulable[at] = node.unschedulable ? 1 : 0;
    this.tainted[at] = node.taints.length > 0 ? 1 : 0;
    this.resourceScoreShape[at] = -1;
  }

  #grow(capacity: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a);
      return b;
    };
    this.allocatableCpu = f64(this.allocatableCpu);
    this.allocatableMemory = f64(this.allocatableMemory);
    this.allocatablePods = f64(this.allocatablePods);
    this.requestedCpu = f64(this.requestedCpu);
    this.requestedMemory = f64(this.requestedMemory);
    this.requestedPods = f64(this.requestedPods);
    this.nonZeroCpu = f64(this.nonZeroCpu);
    this.nonZeroMemory = f64(this.nonZeroMemory);
    this.resourceScore = f64(this.resourceScore);
    this.unschedulable = u8(this.unschedulable);
    this.tainted = u8(this.tainted);
    this.#isMarked = u8(this.#isMarked);
    const zone = new Int32Array(capacity);
    zone.set(this.zone);
    this.zone = zone;
    const shape = new Int32Array(capacity);
    shape.set(this.resourceScoreShape);
    this.resourceScoreShape = shape;
    const marked = new Int32Array(capacity);
    marked.set(this.#marked);
    this.#marked = marked;
    this.#capacity = capacity;
  }
}
