/**
 * Cluster DNS for headless Services and the clients' caches of it.
 *
 * Records (CoreDNS `kubernetes` plugin, fed by EndpointSlices): a headless Service's name
 * answers the IPs of its ready endpoints (with publishNotReadyAddresses every endpoint is
 * ready); `<hostname>.<service>.<ns>.svc.cluster.local` answers the ready endpoint whose pod has
 * that hostname and the Service as subdomain (staging/src/k8s.io/endpointslice/utils.go
 * `podToEndpoint` sets the endpoint hostname; CoreDNS serves it for headless Services only).
 * No ready endpoint: NXDOMAIN (an empty answer). CoreDNS sees the slices at once.
 *
 * Client caches: one resolver per node caches each name's answer, positive or negative, for
 * `ttl` (default 30 s, as a JVM caches). A busy client re-resolves the moment its entry expires,
 * so node i refreshes at φ_i, φ_i + ttl, φ_i + 2·ttl, … and holds the answer that was current at
 * its last refresh. After a change at d, node i switches at its first refresh at or after d:
 * d + ((φ_i − d) mod ttl). Sorting the nodes by phase once makes every change a rotation of
 * that order, walked lazily one switch at a time, with no simulation events (a later change
 * simply restarts the walk: every refresh after it sees the newer answer). The phases are
 * uniform per node from the `dns/phases` stream, or evenly spread for hand-checked tests.
 *
 * Leaves out: search-path expansion beyond `<name>` and `<host>.<service>` in the default
 * namespace, CoreDNS's own cache and TTLs (its `ttl` is 5 s; the client cache dominates),
 * SRV records, ClusterIP answers (traffic to ClusterIP Services goes through kube-proxy),
 * resolvers that cannot reach CoreDNS (a partitioned node keeps refreshing as if it could: its
 * requests time out anyway), and idle clients that re-resolve only on their next request.
 */
import type { RandomStream } from "../core/rng.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { Service } from "../model/workloads.ts";
import type { Endpoint } from "./endpointslice.ts";
import { type ClientClass, ViewTracker } from "./view-tracker.ts";

export interface DnsOptions {
  /** How long a client caches an answer (µs), positive or negative; default 30 s. 0: no cache. */
  readonly ttl?: Time;
  /** When each node's client refreshes within the ttl: uniform per node, or evenly spread. */
  readonly refreshPhases?: "random" | "spread";
}

export const DEFAULT_DNS_TTL = 30 * MICROS_PER_SECOND;
export const CLUSTER_DOMAIN = "cluster.local";

/** A name as the resolver asks it. */
export interface DnsQuery {
  readonly fqdn: string;
  readonly namespace: string;
  readonly service: string;
  /** The pod hostname of a per-pod record, null for the Service's own name. */
  readonly hostname: string | null;
}

/**
 * `web` → the Service web; `web-0.web` → pod web-0 of Service web (both in `namespace`, as
 * the search path `<ns>.svc.cluster.local` completes them); full names
 * `[<host>.]<service>.<ns>.svc.cluster.local` as they are.
 */
export function parseDnsName(name: string, namespace = "default"): DnsQuery {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  let parts: string[];
  let ns = namespace;
  if (trimmed.endsWith(suffix)) {
    parts = trimmed.slice(0, -suffix.length).split(".");
    if (parts.length < 2 || parts.length > 3) throw new Error(`DNS name ${name}: expected [<host>.]<service>.<namespace>${suffix}`);
    ns = parts.pop()!;
  } else {
    parts = trimmed.split(".");
    if (parts.length > 2) throw new Error(`DNS name ${name}: expected <service>, <host>.<service> or a full name ending in ${suffix}`);
  }
  if (parts.some((p) => p === "")) throw new Error(`DNS name ${name}: empty label`);
  const service = parts[parts.length - 1];
  const hostname = parts.length === 2 ? parts[0] : null;
  const fqdn = `${hostname === null ? "" : `${hostname}.`}${service}.${ns}${suffix}`;
  return { fqdn, namespace: ns, service, hostname };
}

/** What CoreDNS answers for a query, from the Service and its endpoints (IPs in slice order). */
export function dnsAnswer(query: DnsQuery, service: Service | undefined, endpoints: readonly Endpoint[]): string[] {
  if (service === undefined || !service.headless || service.namespace !== query.namespace) return [];
  const out: string[] = [];
  for (const e of endpoints) {
    if (!e.conditions.ready) continue;
    if (query.hostname !== null && e.hostname !== query.hostname) continue;
    out.push(e.ip);
  }
  return out;
}

function sameAnswer(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One name the clients resolve: its answers over time and which one each node's cache holds. */
export class TrackedName {
  readonly query: DnsQuery;
  /** Every answer the name has had, by version (views in `tracker` are these indices). */
  readonly answers: (readonly string[])[] = [];
  /** When each version became CoreDNS's answer. */
  readonly since: Time[] = [];
  readonly tracker = new ViewTracker();
  /** The walk over the nodes' first refreshes after the latest change. */
  sweepStart: Time = 0;
  sweepFrom = 0;
  sweepPos = Number.POSITIVE_INFINITY;

  constructor(query: DnsQuery, answer: readonly string[], now: Time) {
    this.query = query;
    this.answers.push(answer);
    this.since.push(now);
  }

  get current(): number {
    return this.answers.length - 1;
  }
}

export class ClientDns {
  readonly ttl: Time;
  readonly #phaseStream: RandomStream;
  readonly #phase: number[] = [];
  /** Node indices sorted by (phase, index). */
  #order: number[] = [];
  readonly #names = new Map<string, TrackedName>();
  readonly #classes: ClientClass[] = [];

  /** `initialNodes` nodes get phases now (evenly spread when asked); later ones draw theirs. */
  constructor(options: DnsOptions, phaseStream: RandomStream, initialNodes: readonly ClientClass[]) {
    this.ttl = options.ttl ?? DEFAULT_DNS_TTL;
    if (!(Number.isSafeInteger(this.ttl) && this.ttl >= 0)) throw new RangeError(`dns ttl must be a non-negative whole number of µs, got ${this.ttl}`);
    this.#phaseStream = phaseStream;
    const spread = options.refreshPhases === "spread";
    const n = initialNodes.length;
    for (let i = 0; i < n; i++) {
      this.#phase.push(spread ? Math.floor((i * this.ttl) / n) : this.#drawPhase());
      this.#classes.push(initialNodes[i]);
    }
    this.#order = [...this.#phase.keys()].sort((a, b) => this.#phase[a] - this.#phase[b] || a - b);
  }

  get names(): ReadonlyMap<string, TrackedName> {
    return this.#names;
  }

  /** Node i's refresh phase in [0, ttl). */
  phaseOf(node: number): Time {
    return this.#phase[node];
  }

  /** Starts following a name; every cache holds `answer` (as current at `now`). */
  track(query: DnsQuery, answer: readonly string[], now: Time): TrackedName {
    const existing = this.#names.get(query.fqdn);
    if (existing !== undefined) return existing;
    const name = new TrackedName(query, answer, now);
    for (const cls of this.#classes) name.tracker.addNode(0, cls, now);
    this.#names.set(query.fqdn, name);
    return name;
  }

  /** CoreDNS's answer for the name changed (or not) at `now`. The caller has integrated up to `now`. */
  update(name: TrackedName, answer: readonly string[], now: Time): boolean {
    if (sameAnswer(answer, name.answers[name.current])) return false;
    name.answers.push(answer);
    name.since.push(now);
    name.sweepStart = now;
    name.sweepPos = 0;
    name.sweepFrom = this.ttl === 0 ? 0 : this.#firstAtOrAfter(now % this.ttl);
    return true;
  }

  /** Every cache holds the current answer (a steady start). */
  settle(name: TrackedName, answer: readonly string[], now: Time): void {
    if (!sameAnswer(answer, name.answers[name.current])) {
      name.answers.push(answer);
      name.since.push(now);
    }
    name.sweepPos = Number.POSITIVE_INFINITY;
    name.tracker.resetViews(name.current);
  }

  /** What node `node`'s cache answers for the name now. */
  cached(name: TrackedName, node: number): readonly string[] {
    return name.answers[name.tracker.view[node]];
  }

  setClass(node: number, cls: ClientClass, now: Time): void {
    this.#classes[node] = cls;
    for (const name of this.#names.values()) name.tracker.setClass(node, cls, now);
  }

  /** A node joins at `now`: its client resolves afresh (holds every current answer). */
  addNode(cls: ClientClass, now: Time): number {
    const node = this.#phase.length;
    const phase = this.#drawPhase();
    // The next node each unfinished walk would visit; its place in the new order is where the walk resumes.
    const resume = new Map<TrackedName, number>();
    for (const name of this.#names.values()) {
      if (name.sweepPos < this.#order.length) resume.set(name, this.#order[(name.sweepFrom + name.sweepPos) % this.#order.length]);
    }
    this.#phase.push(phase);
    this.#classes.push(cls);
    this.#order = [...this.#phase.keys()].sort((a, b) => this.#phase[a] - this.#phase[b] || a - b);
    const n = this.#order.length;
    for (const name of this.#names.values()) {
      name.tracker.addNode(name.current, cls, now);
      const next = resume.get(name);
      if (next === undefined) continue;
      // The walk restarts from the same first refresh; nodes before `next` in it are done (the
      // new node, if among them, resolved just now).
      name.sweepFrom = this.ttl === 0 ? 0 : this.#firstAtOrAfter(name.sweepStart % this.ttl);
      name.sweepPos = (this.#order.indexOf(next) - name.sweepFrom + n) % n;
    }
    return node;
  }

  /** When the next cache switches to a newer answer (+Infinity if none). */
  nextSwitchTime(): Time {
    let min = Number.POSITIVE_INFINITY;
    for (const name of this.#names.values()) {
      const t = this.#sweepTime(name);
      if (t < min) min = t;
    }
    return min;
  }

  /** Performs the earliest switch. */
  switchNext(): void {
    let best: TrackedName | undefined;
    let min = Number.POSITIVE_INFINITY;
    for (const name of this.#names.values()) {
      const t = this.#sweepTime(name);
      if (t < min) {
        min = t;
        best = name;
      }
    }
    if (best === undefined) return;
    const n = this.#order.length;
    const node = this.#order[(best.sweepFrom + best.sweepPos) % n];
    best.sweepPos++;
    if (best.sweepPos >= n) best.sweepPos = Number.POSITIVE_INFINITY;
    best.tracker.switchView(node, best.current, min);
  }

  #sweepTime(name: TrackedName): Time {
    const n = this.#order.length;
    if (!(name.sweepPos < n)) return Number.POSITIVE_INFINITY;
    if (this.ttl === 0) return name.sweepStart;
    const node = this.#order[(name.sweepFrom + name.sweepPos) % n];
    const d = name.sweepStart;
    return d + ((((this.#phase[node] - d) % this.ttl) + this.ttl) % this.ttl);
  }

  #firstAtOrAfter(phase: number): number {
    const order = this.#order;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#phase[order[mid]] < phase) lo = mid + 1;
      else hi = mid;
    }
    return lo === order.length ? 0 : lo;
  }

  #drawPhase(): Time {
    return this.ttl === 0 ? 0 : Math.floor(this.#phaseStream.next() * this.ttl);
  }
}
