/**
 * Traffic to Services and how much of it succeeds: sampled requests (SPEC §4 requests_ok,
 * requests_failed, requests_timeout, availability) and the exact probability of success
 * integrated over time (reachability, unreachable_s), with the per-bin values of the
 * timeseries (endpoints_ready, endpoints_programmed_min, requests per outcome).
 *
 * The model (one per replication) wires the EndpointSlice controller, kube-proxy on every node
 * and the DNS caches, and watches the store for the facts that decide a request's fate:
 *  - a client node is drawn uniformly among the live nodes (node-failure takes a node's clients
 *    away); a client on a partitioned node times out;
 *  - the client's view (its kube-proxy rules, or its DNS cache for headless Services and per-pod
 *    names) gives the candidate backends; none: refused (failed); else one is drawn uniformly;
 *  - the backend IP answers (ok) when its pod's process is `listening` on a node that is up and
 *    reachable; its node down or partitioned: timeout; otherwise (no pod there any more, not yet
 *    listening, stopping after SIGTERM, exited): refused (failed);
 *  - an answered request takes a service time (default 5 ms) and fails, or times out, when its
 *    backend stops answering before it is done;
 *  - retries (optional) re-issue a failed attempt after the backoff, a timed-out one after the
 *    timeout plus the backoff; the request counts once, in the bin it arrived in, with the
 *    outcome of its last attempt.
 *
 * Exactness. The model only advances at checkpoints: every store change it watches, every
 * EndpointSlice write, and the end of the run. Between two checkpoints the backends' states are
 * constant, and the client views change only at known instants (a node's sync returning, a
 * cache refresh), which the model pulls in time order from kube-proxy and DNS. Over each stretch
 * with constant views it adds
 *
 *   p = Σ_views n_v · okShare_v / live,   okShare_v = (# answering candidates of v) / (# candidates of v)
 *
 * times the stretch's length to the reachability integral (n_v: non-partitioned live nodes
 * holding view v; live: nodes that run clients, partitioned ones included). When a backend
 * stops answering at b, the requests still in service are lost: the integral loses
 * ∫ share_ip(t) · P(s > b − t) dt over the look-back, rebuilt from the views' change log (see
 * service-time.ts, view-tracker.ts). Requests are sampled per request without simulation
 * events: arrivals are exponential gaps from the entry's own stream (so arrival times do not
 * depend on how the timeline is cut into checkpoints), each with one draw for the client, one
 * for the backend and one for the service time. Given the state path, each sampled request
 * succeeds with the time-average probability the integral computes, so availability estimates
 * reachability with binomial noise (retries aside).
 *
 * unreachable_s: the time during which no request from any live client node could be answered,
 * i.e. no non-partitioned live node's view holds a candidate that answers (or no node runs
 * clients at all). It ignores in-flight cuts (an instant is not "unreachable" because requests
 * sent then would be cut later).
 *
 * Bins (default 1 s, from t = 0): requests by arrival; reachability averaged over the part of
 * the bin the run covers; endpoints_ready at the bin's end and its minimum within the bin;
 * endpoints_programmed_min = the fewest ready endpoints that any live node's rules (or, for DNS
 * targets, any live client's cache) held at any instant of the bin.
 *
 * Leaves out: connection reuse (every request is a new connection), load balancing other than
 * uniform, client-side retries' effect on the rate of new requests, requests whose service time
 * exceeds the timeout (answered requests are assumed faster than the timeout), and a client's
 * own node failing or being partitioned while its request is in flight (only the backend side
 * cuts requests).
 */
import { ConstantDistribution, type Distribution } from "../core/distributions.ts";
import type { RandomStream } from "../core/rng.ts";
import { MICROS_PER_MS, MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { ControllerContext } from "../controllers/context.ts";
import type { Node, Pod } from "../model/objects.ts";
import type { Change } from "../model/store.ts";
import type { Service } from "../model/workloads.ts";
import { ClientDns, type DnsOptions, type DnsQuery, dnsAnswer, parseDnsName, type TrackedName } from "./dns.ts";
import { EndpointSliceController, type ServiceSlices } from "./endpointslice.ts";
import { KubeProxy, type KubeProxyOptions } from "./kube-proxy.ts";
import { type ServiceTimeModel, serviceTimeModel } from "./service-time.ts";
import { type ClientClass, DEAD, NORMAL, PARTITIONED, type ViewTracker } from "./view-tracker.ts";

/** One scenario `traffic` entry. */
export interface TrafficEntry {
  /**
   * A Service name (a ClusterIP Service is reached through kube-proxy, a headless one through
   * DNS), or a per-pod DNS name such as `web-0.web` (a StatefulSet pod behind its headless Service).
   */
  readonly service: string;
  /** Requests per second, Poisson arrivals. */
  readonly rate: number;
  /** How long a client waits for a backend that does not answer (µs). */
  readonly timeout: Time;
  /** Re-issue a failed or timed-out attempt after `backoff`, at most `count` times. */
  readonly retries?: { readonly count: number; readonly backoff: Distribution };
}

export interface NetworkOptions {
  /** Pod change → EndpointSlice updated (`timing.endpointSliceLatency`). */
  readonly endpointSliceLatency: Distribution;
  /** `timing.kubeProxySync`. */
  readonly kubeProxySync: KubeProxyOptions;
  readonly traffic?: readonly TrafficEntry[];
  /** How long an answering backend takes per request; default a constant 5 ms. */
  readonly serviceTime?: Distribution;
  readonly dns?: DnsOptions;
  /** Timeseries bin width (µs), default 1 s; bins start at t = 0. */
  readonly bin?: Time;
  readonly maxEndpointsPerSlice?: number;
}

export const DEFAULT_SERVICE_TIME = 5 * MICROS_PER_MS;

export interface TrafficBin {
  /** The bin's start (µs); it covers [start, start + bin). */
  readonly start: Time;
  readonly requestsOk: number;
  readonly requestsFailed: number;
  readonly requestsTimeout: number;
  /** The exact success probability averaged over the bin (null when the run does not cover it). */
  readonly reachability: number | null;
  readonly unreachableSeconds: number;
  /** Ready endpoints in the Service's slices at the bin's end (null without slices). */
  readonly endpointsReady: number | null;
  /** The fewest ready endpoints in the slices during the bin. */
  readonly endpointsReadyMin: number | null;
  /** The fewest ready endpoints any live node had programmed during the bin. */
  readonly endpointsProgrammedMin: number | null;
}

export interface ServiceTrafficResult {
  /** The traffic entry's `service`. */
  readonly service: string;
  readonly requestsTotal: number;
  readonly ok: number;
  readonly failed: number;
  readonly timeout: number;
  /** ok / total, null without requests. */
  readonly availability: number | null;
  /** Time-averaged exact success probability, null for an empty run. */
  readonly reachability: number | null;
  readonly unreachableSeconds: number;
  readonly bins: readonly TrafficBin[];
}

type Outcome = 0 | 1 | 2;
const OK: Outcome = 0;
const FAILED: Outcome = 1;
const TIMEOUT: Outcome = 2;

/** What happens to a request sent to an IP. */
interface IpRecord {
  readonly ip: string;
  readonly node: string;
  /** The pod holding the IP, null once it is gone. */
  podUid: string | null;
  status: Outcome;
  /** Since when it has been answering (meaningful while status is OK). */
  okSince: Time;
}

interface Request {
  readonly arrival: number;
  readonly bin: number;
  client: number;
  attempt: number;
  /** When the next attempt is due (retries). */
  at: number;
  last: Outcome;
}

interface InFlight {
  readonly req: Request;
  readonly ip: string;
  readonly sentAt: number;
  readonly end: number;
}

interface BinAcc {
  ok: number;
  failed: number;
  timeout: number;
  /** ∫ p dt over the covered part (µs). */
  reach: number;
  unreachable: number;
  covered: number;
  readyEnd: number | null;
  readyMin: number | null;
  programmedMin: number | null;
}

interface ViewStats {
  readonly candidates: readonly string[];
  readonly answering: number;
  readonly ready: number;
}

interface EntryState {
  readonly spec: TrafficEntry;
  /** The Service the entry's endpoints come from. */
  readonly serviceName: string;
  /** The DNS query for per-pod names and headless Services; null while routed by kube-proxy. */
  query: DnsQuery | null;
  dns: TrackedName | null;
  readonly perPod: boolean;
  readonly arrivals: RandomStream;
  readonly clients: RandomStream;
  readonly backends: RandomStream;
  readonly serviceTimes: RandomStream;
  readonly backoffs: RandomStream;
  nextArrival: number;
  ok: number;
  failed: number;
  timeout: number;
  reach: number;
  unreachable: number;
  readonly bins: BinAcc[];
  inFlight: InFlight[];
  /** Pending retries, sorted by `at`. */
  readonly retries: Request[];
  statsEpoch: number;
  statsVersion: number;
  statsTracker: ViewTracker | null;
  p: number;
  positive: boolean;
  programmedMin: number | null;
  viewStats: Map<number, ViewStats>;
  viewStatsEpoch: number;
}

function classOf(node: Node): ClientClass {
  if (!node.kubeletUp) return DEAD;
  return node.reachable ? NORMAL : PARTITIONED;
}

function newBin(): BinAcc {
  return { ok: 0, failed: 0, timeout: 0, reach: 0, unreachable: 0, covered: 0, readyEnd: null, readyMin: null, programmedMin: null };
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

export class NetworkModel {
  readonly endpointSlices: EndpointSliceController;
  readonly kubeProxy: KubeProxy;
  readonly dns: ClientDns;
  readonly #ctx: ControllerContext;
  readonly #bin: Time;
  readonly #serviceTime: Distribution;
  readonly #serviceModel: ServiceTimeModel;
  readonly #start: Time;
  #cursor: Time;
  readonly #nodeIndex = new Map<string, number>();
  readonly #cls: ClientClass[] = [];
  /** Nodes that run clients (NORMAL or PARTITIONED), in a stable order; #livePos is the inverse. */
  readonly #live: number[] = [];
  readonly #livePos: number[] = [];
  readonly #ips = new Map<string, IpRecord>();
  /** Pod uid → the record of its IP (one lookup per pod change, which is most store changes). */
  readonly #recOfPod = new Map<string, IpRecord>();
  readonly #ipsByNode = new Map<string, Set<string>>();
  /** Incremented whenever an IP's status changes or an entry's routing changes. */
  #epoch = 0;
  readonly #entries: EntryState[] = [];
  /** Ready endpoints per Service in the slices (null: no slices), filled on demand. */
  readonly #sliceReady = new Map<string, number | null>();
  #lastPrune = Number.NEGATIVE_INFINITY;

  constructor(ctx: ControllerContext, options: NetworkOptions) {
    this.#ctx = ctx;
    const now = ctx.sim.now;
    this.#start = now;
    this.#cursor = now;
    this.#bin = options.bin ?? MICROS_PER_SECOND;
    if (!(Number.isSafeInteger(this.#bin) && this.#bin > 0)) throw new RangeError(`bin must be a positive whole number of µs, got ${this.#bin}`);
    this.#serviceTime = options.serviceTime ?? new ConstantDistribution(DEFAULT_SERVICE_TIME);
    this.#serviceModel = serviceTimeModel(this.#serviceTime);
    // Everything that exists now is adopted as long settled: slices written, rules programmed,
    // caches filled (a steady start). Construct the model before creating objects otherwise.
    this.endpointSlices = new EndpointSliceController(ctx, { endpointSliceLatency: options.endpointSliceLatency, maxEndpointsPerSlice: options.maxEndpointsPerSlice });
    this.kubeProxy = new KubeProxy(options.kubeProxySync, ctx.streams, this.endpointSlices.generation);
    for (const slices of this.endpointSlices.slices.values()) this.kubeProxy.adopt(slices);
    const classes = [...ctx.store.nodes.values()].map(classOf);
    this.dns = new ClientDns(options.dns ?? {}, ctx.streams.stream("dns", "phases"), classes);
    for (const node of ctx.store.nodes.values()) this.#addNode(node, false);
    ctx.store.pods.forEach((pod) => {
      this.#podSeen(pod);
    });
    for (const [i, spec] of (options.traffic ?? []).entries()) this.#entries.push(this.#newEntry(spec, i));
    this.endpointSlices.onChange((slices, settled) => this.#slicesChanged(slices, settled));
    ctx.store.watch((change) => this.#observe(change));
  }

  /** The start of the integration (the model's construction time). */
  get start(): Time {
    return this.#start;
  }

  /** How far the model has integrated. */
  get cursor(): Time {
    return this.#cursor;
  }

  /**
   * Makes everything up to date at once (a steady start after `World.bootstrap` when the model
   * was built before it): slices rewritten without events, every node programmed, caches filled.
   */
  settle(): void {
    const now = this.#ctx.sim.now;
    this.#advance(now);
    this.endpointSlices.settle();
    for (const slices of this.endpointSlices.slices.values()) this.kubeProxy.adopt(slices);
    this.#sliceReady.clear();
    for (const e of this.#entries) this.#refreshRoute(e, true);
    this.#epoch++;
  }

  // The queries below integrate up to `now` first; node actions due exactly at `now` (a sync
  // returning at this instant) apply at the next checkpoint, after any change made at `now`.

  /** Integrates up to `now` (results() does this itself). */
  advance(now: Time = this.#ctx.sim.now): void {
    this.#advance(now);
  }

  /** The ready endpoints node `nodeName`'s kube-proxy has programmed for a Service, now. */
  programmedReady(nodeName: string, service: string): readonly string[] {
    this.#advance(this.#ctx.sim.now);
    const node = this.#nodeIndex.get(nodeName);
    if (node === undefined) throw new Error(`no node ${nodeName}`);
    return this.kubeProxy.viewOf(node, service).ready;
  }

  /** The candidates node `nodeName`'s kube-proxy sends new connections of a Service to, now. */
  programmedUsable(nodeName: string, service: string): readonly string[] {
    this.#advance(this.#ctx.sim.now);
    const node = this.#nodeIndex.get(nodeName);
    if (node === undefined) throw new Error(`no node ${nodeName}`);
    return this.kubeProxy.viewOf(node, service).usable;
  }

  /**
   * The resolver API: what a client on `nodeName` gets for `name` now (`web`, `web-0.web`, or a
   * full name), from its cache. A name nobody asked before is cached everywhere from now on.
   */
  resolve(name: string, nodeName: string): readonly string[] {
    this.#advance(this.#ctx.sim.now);
    const node = this.#nodeIndex.get(nodeName);
    if (node === undefined) throw new Error(`no node ${nodeName}`);
    return this.dns.cached(this.#track(parseDnsName(name)), node);
  }

  /** CoreDNS's own (uncached) answer for `name` now. */
  lookup(name: string): readonly string[] {
    const query = parseDnsName(name);
    return dnsAnswer(query, this.#ctx.store.services.get(query.service), this.endpointSlices.endpoints(query.service));
  }

  /** Per traffic entry, in the order given: totals, exact integrals and bins up to `end`. */
  results(end: Time = this.#ctx.sim.now): ServiceTrafficResult[] {
    this.#advance(end);
    const duration = end - this.#start;
    return this.#entries.map((e) => {
      const bins = e.bins.map((b) => ({ ...b }));
      let { ok, failed, timeout } = e;
      // Requests still being served finish well (nothing after `end` is known); pending
      // retries keep their last attempt's outcome.
      const first = Math.floor(this.#start / this.#bin);
      const count = (bin: number, outcome: Outcome) => {
        const b = bins[bin - first];
        if (outcome === OK) {
          ok++;
          if (b) b.ok++;
        } else if (outcome === FAILED) {
          failed++;
          if (b) b.failed++;
        } else {
          timeout++;
          if (b) b.timeout++;
        }
      };
      for (const f of e.inFlight) count(f.req.bin, OK);
      for (const r of e.retries) count(r.bin, r.last);
      const total = ok + failed + timeout;
      return {
        service: e.spec.service,
        requestsTotal: total,
        ok,
        failed,
        timeout,
        availability: total === 0 ? null : ok / total,
        reachability: duration <= 0 ? null : e.reach / duration,
        unreachableSeconds: e.unreachable / MICROS_PER_SECOND,
        bins: bins.map((b, i) => ({
          start: (first + i) * this.#bin,
          requestsOk: b.ok,
          requestsFailed: b.failed,
          requestsTimeout: b.timeout,
          reachability: b.covered > 0 ? b.reach / b.covered : null,
          unreachableSeconds: b.unreachable / MICROS_PER_SECOND,
          endpointsReady: b.readyEnd,
          endpointsReadyMin: b.readyMin,
          endpointsProgrammedMin: b.programmedMin,
        })),
      };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Watching the cluster.

  #observe(change: Change): void {
    const now = this.#ctx.sim.now;
    if (change.kind === "Pod") {
      this.#advance(now);
      if (change.type === "deleted") this.#podGone(change.object);
      else this.#podSeen(change.object);
    } else if (change.kind === "Node") {
      this.#advance(now);
      if (change.type === "added") this.#addNode(change.object, true);
      else this.#nodeChanged(change.object);
    } else if (change.kind === "Service") {
      this.#advance(now);
      for (const e of this.#entries) if (e.serviceName === (change.object as Service).name) this.#refreshRoute(e, false);
    }
  }

  #slicesChanged(slices: ServiceSlices, settled: boolean): void {
    const now = this.#ctx.sim.now;
    this.#advance(now);
    if (settled) this.kubeProxy.adopt(slices);
    else this.kubeProxy.observe(slices, now);
    this.#sliceReady.delete(slices.service);
    for (const e of this.#entries) if (e.serviceName === slices.service) this.#refreshRoute(e, settled);
    this.#epoch++;
  }

  #addNode(node: Node, later: boolean): void {
    const now = this.#ctx.sim.now;
    const cls = classOf(node);
    const index = this.kubeProxy.addNode(node.name, cls, now);
    if (later) this.dns.addNode(cls, now);
    this.#nodeIndex.set(node.name, index);
    this.#cls.push(DEAD);
    this.#livePos.push(-1);
    this.#setClass(index, cls);
    this.#epoch++;
  }

  #nodeChanged(node: Node): void {
    const index = this.#nodeIndex.get(node.name);
    if (index === undefined) return;
    // Backends first: their in-flight look-back sees the client classes as they were before now.
    for (const ip of this.#ipsByNode.get(node.name) ?? []) this.#refresh(this.#ips.get(ip)!);
    this.#setClass(index, classOf(node));
    this.kubeProxy.setNodeState(index, node.kubeletUp, node.reachable, this.#ctx.sim.now);
  }

  #setClass(index: number, cls: ClientClass): void {
    const was = this.#cls[index];
    if (was === cls) return;
    const now = this.#ctx.sim.now;
    this.#cls[index] = cls;
    const live = cls !== DEAD;
    if (live && this.#livePos[index] < 0) {
      this.#livePos[index] = this.#live.length;
      this.#live.push(index);
    } else if (!live && this.#livePos[index] >= 0) {
      const at = this.#livePos[index];
      const last = this.#live.pop()!;
      if (last !== index) {
        this.#live[at] = last;
        this.#livePos[last] = at;
      }
      this.#livePos[index] = -1;
    }
    this.kubeProxy.tracker.setClass(index, cls, now);
    this.dns.setClass(index, cls, now);
    this.#epoch++;
  }

  #podSeen(pod: Pod): void {
    if (pod.ip === null) return;
    const known = this.#recOfPod.get(pod.uid);
    if (known !== undefined) {
      if (known.ip === pod.ip) return this.#refresh(known);
      known.podUid = null;
      this.#refresh(known);
    }
    let rec = this.#ips.get(pod.ip);
    if (rec === undefined) {
      rec = { ip: pod.ip, node: pod.nodeName ?? "", podUid: pod.uid, status: FAILED, okSince: this.#ctx.sim.now };
      this.#ips.set(pod.ip, rec);
      let onNode = this.#ipsByNode.get(rec.node);
      if (onNode === undefined) this.#ipsByNode.set(rec.node, (onNode = new Set()));
      onNode.add(pod.ip);
      // A new IP cannot have been routed to before: no transition to account for.
      rec.status = this.#statusOf(rec);
      rec.okSince = this.#ctx.sim.now;
      this.#epoch++;
      this.#recOfPod.set(pod.uid, rec);
      return; // its status was read just now: a refresh would find it unchanged
    }
    this.#recOfPod.set(pod.uid, rec);
    this.#refresh(rec);
  }

  #podGone(pod: Pod): void {
    const rec = this.#recOfPod.get(pod.uid);
    if (rec === undefined) return;
    this.#recOfPod.delete(pod.uid);
    rec.podUid = null;
    this.#refresh(rec);
  }

  /** What a request sent to the IP gets now (SPEC §4: gone or not listening → refused). */
  #statusOf(rec: IpRecord): Outcome {
    const node = this.#ctx.store.nodes.get(rec.node);
    if (node === undefined || !node.kubeletUp || !node.reachable) return TIMEOUT;
    if (rec.podUid === null) return FAILED;
    const pod = this.#ctx.store.pods.get(rec.podUid);
    return pod !== undefined && pod.process === "listening" ? OK : FAILED;
  }

  #refresh(rec: IpRecord): void {
    const status = this.#statusOf(rec);
    const was = rec.status;
    if (status === was) return;
    const now = this.#ctx.sim.now;
    rec.status = status;
    this.#epoch++;
    if (status === OK) rec.okSince = now;
    else if (was === OK) this.#stopped(rec, status, now);
  }

  /**
   * The IP stopped answering at `now`: sampled requests in service there fail (or time out),
   * and the exact integral loses the success of the requests that would have been in service.
   */
  #stopped(rec: IpRecord, status: Outcome, now: Time): void {
    const model = this.#serviceModel;
    const from = Math.max(now - model.horizon, rec.okSince, this.#start);
    for (const e of this.#entries) {
      if (e.inFlight.length > 0) {
        const keep: InFlight[] = [];
        for (const f of e.inFlight) {
          if (f.ip !== rec.ip) keep.push(f);
          else this.#finish(e, f.req, status, status === FAILED ? now : Math.max(now, f.sentAt + e.spec.timeout));
        }
        e.inFlight = keep;
      }
      if (!(from < now)) continue;
      const tracker = this.#trackerOf(e);
      tracker.segmentsBack(from, now, (s0, s1, counts, live) => {
        if (live === 0) return;
        let w = 0;
        for (const [view, n] of counts) {
          const candidates = this.#candidates(e, view);
          if (candidates.length === 0) continue;
          let hits = 0;
          for (const c of candidates) if (c === rec.ip) hits++;
          w += (n * hits) / candidates.length;
        }
        if (w === 0) return;
        w /= live;
        // ∫_{s0}^{s1} w · P(s > now − t) dt, split at bin boundaries.
        let a = s0;
        while (a < s1) {
          const k = Math.floor(a / this.#bin);
          const b = Math.min(s1, (k + 1) * this.#bin);
          const lost = w * (model.truncatedMean(now - a) - model.truncatedMean(now - b));
          e.reach -= lost;
          this.#binOf(e, k).reach -= lost;
          a = b;
        }
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Routing.

  #newEntry(spec: TrafficEntry, index: number): EntryState {
    if (!(spec.rate >= 0 && Number.isFinite(spec.rate))) throw new RangeError(`traffic ${spec.service}: rate must be a finite number ≥ 0, got ${spec.rate}`);
    if (!(spec.timeout >= 0)) throw new RangeError(`traffic ${spec.service}: timeout must be ≥ 0`);
    if (spec.retries !== undefined && !(Number.isInteger(spec.retries.count) && spec.retries.count >= 0)) {
      throw new RangeError(`traffic ${spec.service}: retries.count must be a non-negative integer`);
    }
    const perPod = spec.service.includes(".");
    const query = perPod ? parseDnsName(spec.service) : null;
    const key = `${index}:${spec.service}`;
    const streams = this.#ctx.streams;
    const e: EntryState = {
      spec,
      serviceName: query?.service ?? spec.service,
      query,
      dns: null,
      perPod,
      arrivals: streams.stream("traffic", `${key}/arrivals`),
      clients: streams.stream("traffic", `${key}/clients`),
      backends: streams.stream("traffic", `${key}/backends`),
      serviceTimes: streams.stream("traffic", `${key}/service-time`),
      backoffs: streams.stream("traffic", `${key}/backoff`),
      nextArrival: Number.POSITIVE_INFINITY,
      ok: 0,
      failed: 0,
      timeout: 0,
      reach: 0,
      unreachable: 0,
      bins: [],
      inFlight: [],
      retries: [],
      statsEpoch: -1,
      statsVersion: -1,
      statsTracker: null,
      p: 0,
      positive: false,
      programmedMin: null,
      viewStats: new Map(),
      viewStatsEpoch: -1,
    };
    e.nextArrival = this.#start + this.#gap(e);
    this.#refreshRoute(e, true);
    return e;
  }

  /** Follows the entry's Service: headless ones (and per-pod names) go through DNS. */
  #refreshRoute(e: EntryState, settled: boolean): void {
    const service = this.#ctx.store.services.get(e.serviceName);
    const viaDns = e.perPod || service?.headless === true;
    if (!viaDns) {
      if (e.dns !== null) {
        e.dns = null;
        e.query = null;
        this.#epoch++;
      }
      return;
    }
    const query = e.query ?? parseDnsName(e.serviceName);
    const answer = dnsAnswer(query, service, this.endpointSlices.endpoints(query.service));
    const now = this.#ctx.sim.now;
    if (e.dns === null) {
      e.query = query;
      e.dns = this.#track(query);
      this.#epoch++;
    }
    if (settled) this.dns.settle(e.dns, answer, now);
    else this.dns.update(e.dns, answer, now);
    this.#epoch++;
  }

  #track(query: DnsQuery): TrackedName {
    const existing = this.dns.names.get(query.fqdn);
    if (existing !== undefined) return existing;
    const answer = dnsAnswer(query, this.#ctx.store.services.get(query.service), this.endpointSlices.endpoints(query.service));
    const name = this.dns.track(query, answer, this.#ctx.sim.now);
    for (const [node, cls] of this.#cls.entries()) name.tracker.setClass(node, cls, this.#ctx.sim.now);
    return name;
  }

  #trackerOf(e: EntryState): ViewTracker {
    return e.dns !== null ? e.dns.tracker : this.kubeProxy.tracker;
  }

  /** The backends a client holding `view` sends the entry's requests to. */
  #candidates(e: EntryState, view: number): readonly string[] {
    if (e.dns !== null) return e.dns.answers[view] ?? [];
    return this.kubeProxy.snapshot(e.serviceName, view).usable;
  }

  #viewStats(e: EntryState, view: number): ViewStats {
    if (e.viewStatsEpoch !== this.#epoch) {
      e.viewStats.clear();
      e.viewStatsEpoch = this.#epoch;
    }
    let stats = e.viewStats.get(view);
    if (stats === undefined) {
      const candidates = this.#candidates(e, view);
      let answering = 0;
      for (const ip of candidates) if (this.#ips.get(ip)?.status === OK) answering++;
      const ready = e.dns !== null ? candidates.length : this.kubeProxy.snapshot(e.serviceName, view).ready.length;
      stats = { candidates, answering, ready };
      e.viewStats.set(view, stats);
    }
    return stats;
  }

  /** p, whether any client could succeed, and the fewest programmed ready endpoints, now. */
  #stats(e: EntryState): void {
    const tracker = this.#trackerOf(e);
    if (e.statsEpoch === this.#epoch && e.statsVersion === tracker.version && e.statsTracker === tracker) return;
    e.statsEpoch = this.#epoch;
    e.statsVersion = tracker.version;
    e.statsTracker = tracker;
    let sum = 0;
    let positive = false;
    for (const [view, n] of tracker.clientCounts) {
      const s = this.#viewStats(e, view);
      if (s.answering === 0) continue;
      sum += (n * s.answering) / s.candidates.length;
      positive = true;
    }
    e.p = tracker.live === 0 ? 0 : sum / tracker.live;
    e.positive = positive && tracker.live > 0;
    let min: number | null = null;
    for (const view of tracker.liveCounts.keys()) min = minOf(min, this.#viewStats(e, view).ready);
    e.programmedMin = min;
  }

  #readyOf(e: EntryState): number | null {
    let ready = this.#sliceReady.get(e.serviceName);
    if (ready === undefined) {
      ready = this.endpointSlices.slicesOf(e.serviceName) === undefined ? null : this.endpointSlices.readyCount(e.serviceName);
      this.#sliceReady.set(e.serviceName, ready);
    }
    return ready;
  }

  // -------------------------------------------------------------------------------------------
  // Integration.

  #advance(target: Time): void {
    if (target < this.#cursor) throw new Error(`network model: cannot go back from t=${this.#cursor}µs to t=${target}µs`);
    for (;;) {
      const tk = this.kubeProxy.nextActionTime();
      const td = this.dns.nextSwitchTime();
      const next = Math.min(tk, td);
      if (!(next < target)) break;
      this.#integrateTo(next, target);
      if (tk <= td) this.kubeProxy.actNext();
      else this.dns.switchNext();
    }
    this.#integrateTo(target, target);
    for (const e of this.#entries) {
      if (e.inFlight.length === 0) continue;
      const keep: InFlight[] = [];
      for (const f of e.inFlight) {
        if (f.end <= target) this.#count(e, f.req.bin, OK);
        else keep.push(f);
      }
      e.inFlight = keep;
    }
    if (target - this.#lastPrune > 64 * this.#serviceModel.horizon + MICROS_PER_SECOND) {
      const before = target - this.#serviceModel.horizon;
      this.kubeProxy.tracker.prune(before);
      for (const name of this.dns.names.values()) name.tracker.prune(before);
      this.#lastPrune = target;
    }
  }

  /** Integrates [cursor, t) with the views and states in force; `horizon`: the next checkpoint. */
  #integrateTo(t: Time, horizon: Time): void {
    while (this.#cursor < t) {
      const k = Math.floor(this.#cursor / this.#bin);
      const end = Math.min(t, (k + 1) * this.#bin);
      for (const e of this.#entries) this.#integrateEntry(e, this.#cursor, end, k, horizon);
      this.#cursor = end;
    }
  }

  #integrateEntry(e: EntryState, a: Time, b: Time, k: number, horizon: Time): void {
    this.#stats(e);
    const dt = b - a;
    const bin = this.#binOf(e, k);
    e.reach += e.p * dt;
    bin.reach += e.p * dt;
    bin.covered += dt;
    if (!e.positive) {
      e.unreachable += dt;
      bin.unreachable += dt;
    }
    const ready = this.#readyOf(e);
    bin.readyEnd = ready;
    bin.readyMin = minOf(bin.readyMin, ready);
    bin.programmedMin = minOf(bin.programmedMin, e.programmedMin);
    // New requests and retries in time order, so that the draws do not depend on where the
    // timeline is cut into stretches (a retry due first is tried first).
    for (;;) {
      const arrival = e.nextArrival;
      const retry = e.retries.length > 0 ? e.retries[0].at : Number.POSITIVE_INFINITY;
      if (arrival <= retry) {
        if (!(arrival < b)) return;
        this.#ctx.sim.charge(); // requests are work without events: they count toward the budget
        const req: Request = { arrival, bin: Math.floor(arrival / this.#bin), client: -1, attempt: 0, at: arrival, last: OK };
        const u = e.clients.next();
        if (this.#live.length > 0) req.client = this.#live[Math.floor(u * this.#live.length)];
        this.#attempt(e, req, arrival, horizon);
        e.nextArrival = arrival + this.#gap(e);
      } else {
        if (!(retry < b)) return;
        const req = e.retries.shift()!;
        if (req.client < 0 || this.#cls[req.client] === DEAD) this.#count(e, req.bin, req.last);
        else this.#attempt(e, req, retry, horizon);
      }
    }
  }

  #attempt(e: EntryState, req: Request, t: number, horizon: Time): void {
    const u = e.backends.next();
    const service = this.#serviceTime.sample(e.serviceTimes);
    if (req.client < 0) return this.#finish(e, req, TIMEOUT, t + e.spec.timeout);
    if (this.#cls[req.client] === PARTITIONED) return this.#finish(e, req, TIMEOUT, t + e.spec.timeout);
    const candidates = this.#candidates(e, this.#trackerOf(e).view[req.client]);
    if (candidates.length === 0) return this.#finish(e, req, FAILED, t);
    const ip = candidates[Math.floor(u * candidates.length)];
    const status = this.#ips.get(ip)?.status ?? TIMEOUT;
    if (status === FAILED) return this.#finish(e, req, FAILED, t);
    if (status === TIMEOUT) return this.#finish(e, req, TIMEOUT, t + e.spec.timeout);
    const end = t + service;
    // The backend's state holds until the next checkpoint; later, a stop may still cut it.
    if (end <= horizon) this.#count(e, req.bin, OK);
    else e.inFlight.push({ req, ip, sentAt: t, end });
  }

  /** An attempt ended badly (or well): retry, or count the request. */
  #finish(e: EntryState, req: Request, outcome: Outcome, detectedAt: number): void {
    const retries = e.spec.retries;
    if (outcome !== OK && retries !== undefined && req.attempt < retries.count) {
      req.attempt++;
      req.last = outcome;
      req.at = detectedAt + retries.backoff.sample(e.backoffs);
      let i = e.retries.length;
      while (i > 0 && e.retries[i - 1].at > req.at) i--;
      e.retries.splice(i, 0, req);
      return;
    }
    this.#count(e, req.bin, outcome);
  }

  #count(e: EntryState, k: number, outcome: Outcome): void {
    const bin = this.#binOf(e, k);
    if (outcome === OK) {
      e.ok++;
      bin.ok++;
    } else if (outcome === FAILED) {
      e.failed++;
      bin.failed++;
    } else {
      e.timeout++;
      bin.timeout++;
    }
  }

  #binOf(e: EntryState, k: number): BinAcc {
    const i = k - Math.floor(this.#start / this.#bin);
    while (e.bins.length <= i) e.bins.push(newBin());
    return e.bins[i];
  }

  /** The next inter-arrival gap (µs, not rounded: arrivals are not simulation events). */
  #gap(e: EntryState): number {
    const u = e.arrivals.next();
    return e.spec.rate === 0 ? Number.POSITIVE_INFINITY : (-Math.log1p(-u) * MICROS_PER_SECOND) / e.spec.rate;
  }
}
