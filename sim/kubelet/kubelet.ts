/**
 * The kubelets of all nodes: what happens to a pod once it is bound to a node. Admission (probe
 * workers start, sandbox and IP), image pulls through the node's image cache, container start,
 * the app's startup until it listens, readiness from probes (computed, not ticked: see
 * probe-timing.ts), crashes and restarts with CrashLoopBackOff, and graceful termination
 * (preStop, SIGTERM, SIGKILL at the grace period, then removal of the API object).
 *
 * A node whose kubelet is down (node-failure) runs nothing: its processes are gone, its pods keep
 * whatever status the API last had until the node lifecycle controller changes it, and a deletion
 * never completes there. When the kubelet comes back it removes pods that were deleted meanwhile
 * and restarts the containers of the others. A partitioned node keeps running its pods but sees
 * no deletion until the partition heals.
 *
 * Orphans. A pod object removed from the API at once (a force deletion: grace 0, pod GC) while its
 * node is partitioned leaves its process running: the kubelet only learns of a deletion through
 * its pod watch (pkg/kubelet/config/apiserver.go), so until the node reaches the API again its
 * pod worker goes on syncing the pod (pkg/kubelet/pod_workers.go). This is how a StatefulSet ends up
 * with two running processes of one identity (kubernetes.io "Force Delete StatefulSet Pods";
 * kubernetes/kubernetes#120671). When the partition heals the kubelet hears of the deletion and
 * kills the process at once (see `#killOrphans` for the grace period), recording `Killing`. The
 * orphan is invisible to the API (no object, no endpoint), so no Service routes to it; it is
 * listed in `orphans` for the invariant checkers. Under a down kubelet nothing runs, so a force
 * deletion there leaves nothing behind, and an orphan dies with its kubelet.
 *
 * Upstream: pkg/kubelet/kubelet.go (HandlePodAdditions, HandlePodRemoves, SyncPod),
 * pkg/kubelet/kubelet_pods.go (HandlePodCleanups), pkg/kubelet/pod_workers.go (UpdatePod,
 * calculateEffectiveGracePeriod), pkg/kubelet/prober, pkg/kubelet/kuberuntime (killContainer,
 * doBackOff), pkg/kubelet/status (Ready condition).
 *
 * Liveness and startup probes kill a container whose app does not answer in time (a slow start
 * behind an eager probe restarts in a CrashLoopBackOff); a running app that answers never fails
 * them (apps here answer or crash; hangs are not modelled).
 *
 * Leaves out: init containers, sidecars, hung apps, volume mounts, image pull errors, resizes.
 * An orphan neither crashes, restarts nor changes state until it is killed (behind the partition
 * nothing can observe it), and a pod force-deleted behind a partition while none of its
 * containers runs (pulling, or waiting out a crash backoff) is not started there again (upstream's
 * pod worker would go on syncing it until it hears of the deletion).
 */
import type { Distribution } from "../core/distributions.ts";
import type { RandomStreams, RandomStream } from "../core/rng.ts";
import { Priority, type Simulation } from "../core/simulation.ts";
import { MICROS_PER_SECOND, type Time } from "../core/time.ts";
import type { EventLog } from "../model/event-log.ts";
import type { ContainerSpec, Node, OwnerRef, Pod, ProbeSpec, ProcessState } from "../model/objects.ts";
import type { Change, ClusterStore, PodStatusPatch } from "../model/store.ts";
import { type BackoffEntry, nextRestart } from "./crash-backoff.ts";
import { failureTime, probeKillTime, successTime } from "./probe-timing.ts";
import { terminationTimeline } from "./termination.ts";

/** How a workload's process behaves (scenario `apps`): what manifests cannot say. */
export interface AppBehaviour {
  /** Container running → the app listens (and passes its readiness probe). */
  readonly startup: Distribution;
  /** SIGTERM → the process exits. */
  readonly shutdown: Distribution;
  /** Time from start to a crash, or null for an app that does not crash. */
  readonly crash: Distribution | null;
  /** False: the app never passes its readiness probe (a bad release). */
  readonly ready: boolean;
  /** How long an exec or httpGet preStop handler takes; 0 when not given. */
  readonly preStop: Distribution | null;
}

export interface KubeletTiming {
  readonly imagePull: Distribution;
  readonly containerStart: Distribution;
}

export interface KubeletContext {
  readonly sim: Simulation;
  readonly store: ClusterStore;
  readonly streams: RandomStreams;
  readonly timing: KubeletTiming;
  readonly events: EventLog;
  /** The behaviour of a pod's app (by workload and revision). */
  appFor(pod: Pod): AppBehaviour;
  /** True while a steady start is being set up: new pods are adopted as long running. */
  adoptAsRunning?: () => boolean;
}

/**
 * A process that outlives its pod object: the pod was force-deleted while its node could not
 * reach the API (see the module comment). What the invariant checkers see of it.
 */
export interface OrphanedProcess {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly owner: OwnerRef | null;
  readonly node: string;
  /** When the API object was removed. */
  readonly deletedAt: Time;
}

interface Orphan extends OrphanedProcess {
  /** The process exits by itself (a termination already under way when it was orphaned), or -1. */
  exit: number;
}

/** How long before t = 0 the pods of a steady start were started and became Ready. */
export const STEADY_SINCE: Time = -3600 * MICROS_PER_SECOND;

/** The kubelet's private state for one pod it runs. */
interface PodRuntime {
  readonly index: number;
  readonly uid: string;
  /** When the probe workers started (pod admitted on the node): probe ticks count from here. */
  workerStart: Time;
  containerStartedAt: Time;
  /** When the running app answers (Infinity: never, e.g. `ready: false` or not yet known). */
  listensAt: Time;
  /** The pending lifecycle step (pull done, started, listening, crash, exit…), or -1. */
  step: number;
  /** The pending readiness change, or -1. */
  readiness: number;
  /** The pending crash of the running container, or -1. */
  crashTimer: number;
  /** What the pending readiness change sets Ready to. */
  readyTarget: boolean;
  /** Whether the kubelet's own probes say Ready (what it posts when it can reach the API). */
  kubeletReady: boolean;
  backoff: BackoffEntry | null;
  terminating: boolean;
  /** When the terminating process is gone, and whether SIGKILL did it. */
  exitAt: Time;
  killed: boolean;
  /** The pending crash is a kill by a failing liveness/startup probe. */
  killedByProbe: boolean;
  /** Status the kubelet could not post (its node is partitioned), posted when it heals. */
  pendingStatus: PodStatusPatch | null;
  /** The containers are gone but the API object could not be removed yet (partitioned). */
  pendingFinish: string | null;
}

const NO_EVENT = -1;

export class Kubelet {
  readonly #ctx: KubeletContext;
  readonly #runtimes: (PodRuntime | undefined)[] = [];
  readonly #byUid = new Map<string, PodRuntime>();
  readonly #freeIndices: number[] = [];
  readonly #ipCounters = new Map<string, number>();
  /** Each node's kubelet state as last seen, to act on transitions only. */
  readonly #nodeStates = new Map<string, { up: boolean; reachable: boolean }>();
  readonly #orphans = new Map<string, Orphan>();
  readonly #pull: RandomStream;
  readonly #start: RandomStream;
  readonly #startup: RandomStream;
  readonly #shutdown: RandomStream;
  readonly #crash: RandomStream;
  readonly #preStop: RandomStream;
  // Handlers bound once so that scheduling an event allocates nothing.
  readonly #onPulled = (i: number) => this.#pulled(i);
  readonly #onStarted = (i: number) => this.#started(i);
  readonly #onListening = (i: number) => this.#listening(i);
  readonly #onReadiness = (i: number) => this.#readinessChanged(i);
  readonly #onCrash = (i: number) => this.#crashed(i);
  readonly #onRestart = (i: number) => this.#restart(i);
  readonly #onSigterm = (i: number) => this.#sigterm(i);
  readonly #onExit = (i: number) => this.#exited(i);

  constructor(ctx: KubeletContext) {
    this.#ctx = ctx;
    this.#pull = ctx.streams.stream("kubelet", "imagePull");
    this.#start = ctx.streams.stream("kubelet", "containerStart");
    this.#startup = ctx.streams.stream("apps", "startup");
    this.#shutdown = ctx.streams.stream("apps", "shutdown");
    this.#crash = ctx.streams.stream("apps", "crash");
    this.#preStop = ctx.streams.stream("apps", "preStop");
    ctx.store.watch((change) => this.#observe(change));
  }

  /** Processes still running after their pod was force-deleted behind a partition, by pod uid. */
  get orphans(): ReadonlyMap<string, OrphanedProcess> {
    return this.#orphans;
  }

  /**
   * Puts an already-running pod in place at the start of a `steady` scenario: admitted, started
   * and listening long ago (probe ticks anchored at `since`), Ready, images cached.
   */
  adoptRunning(pod: Pod, since: Time): void {
    const rt = this.#admit(pod);
    rt.workerStart = since;
    rt.containerStartedAt = since;
    rt.listensAt = since;
    rt.kubeletReady = true;
    const node = this.#ctx.store.nodes.get(pod.nodeName!)!;
    for (const c of pod.spec.containers) node.images.add(c.image);
    this.#ctx.store.apply({
      type: "pod/status",
      uid: pod.uid,
      status: { phase: "Running", containersRunning: true, process: "listening", ready: true, readySince: since, ip: pod.ip ?? this.#nextIp(node) },
    });
    this.#scheduleCrash(rt, pod);
  }

  #observe(change: Change): void {
    if (change.kind === "Pod") {
      const pod = change.object;
      if (change.type === "deleted") return this.#podDeleted(pod);
      const before = change.before;
      if (before !== null && before.nodeName === null && pod.nodeName !== null) {
        this.#ctx.sim.after(0, () => this.#startPod(pod.uid), 0, Priority.Normal);
      }
      if (before !== null && before.deletionTimestamp === null && pod.deletionTimestamp !== null) {
        this.#ctx.sim.after(0, () => this.#beginTermination(pod.uid), 0, Priority.Normal);
      }
    } else if (change.kind === "Node" && change.type === "modified") {
      this.#nodeChanged(change.object);
    }
  }

  /** HandlePodAdditions → SyncPod: admit, start probe workers, create the sandbox, pull images. */
  #startPod(uid: string): void {
    const pod = this.#ctx.store.pods.get(uid);
    if (pod === undefined || pod.nodeName === null || this.#byUid.has(uid)) return;
    const node = this.#ctx.store.nodes.get(pod.nodeName)!;
    if (!node.kubeletUp || !node.reachable) return; // picked up when the kubelet can see it
    if (pod.deletionTimestamp !== null) return this.#finish(pod, "exited before it started");
    if (this.#ctx.adoptAsRunning?.()) return this.adoptRunning(pod, STEADY_SINCE);
    const rt = this.#admit(pod);
    this.#ctx.store.apply({ type: "pod/status", uid, status: { ip: this.#nextIp(node) } });
    this.#pullImages(rt, pod, node);
  }

  #admit(pod: Pod): PodRuntime {
    const index = this.#freeIndices.length > 0 ? this.#freeIndices.pop()! : this.#runtimes.length;
    const rt: PodRuntime = {
      index,
      uid: pod.uid,
      workerStart: this.#ctx.sim.now,
      containerStartedAt: Number.POSITIVE_INFINITY,
      listensAt: Number.POSITIVE_INFINITY,
      step: NO_EVENT,
      readiness: NO_EVENT,
      crashTimer: NO_EVENT,
      readyTarget: false,
      kubeletReady: false,
      backoff: null,
      terminating: false,
      exitAt: Number.POSITIVE_INFINITY,
      killed: false,
      pendingStatus: null,
      pendingFinish: null,
      killedByProbe: false,
    };
    this.#runtimes[index] = rt;
    this.#byUid.set(pod.uid, rt);
    return rt;
  }

  /** Images are pulled one after another (serializeImagePulls defaults to true). */
  #pullImages(rt: PodRuntime, pod: Pod, node: Node): void {
    let pull = 0;
    const pulledNow = new Set<string>();
    for (const c of pod.spec.containers) {
      if (needsPull(c, node) && !pulledNow.has(c.image)) {
        pull += this.#ctx.timing.imagePull.sample(this.#pull);
        pulledNow.add(c.image);
      }
    }
    rt.step = this.#ctx.sim.after(pull, this.#onPulled, rt.index, Priority.Urgent);
  }

  #pulled(index: number): void {
    const rt = this.#runtimes[index]!;
    const pod = this.#ctx.store.pod(rt.uid);
    const node = this.#ctx.store.nodes.get(pod.nodeName!)!;
    for (const c of pod.spec.containers) node.images.add(c.image);
    this.#ctx.events.record("Pod", pod.name, "Pulled", `Container images for ${pod.name} are present on ${node.name}`);
    rt.step = this.#ctx.sim.after(this.#ctx.timing.containerStart.sample(this.#start), this.#onStarted, index, Priority.Urgent);
  }

  /** Containers are running; the app starts up; readiness follows from the probes. */
  #started(index: number): void {
    const rt = this.#runtimes[index]!;
    const pod = this.#ctx.store.pod(rt.uid);
    const now = this.#ctx.sim.now;
    const app = this.#ctx.appFor(pod);
    rt.containerStartedAt = now;
    const startup = app.startup.sample(this.#startup);
    rt.listensAt = now + startup;
    this.#post(pod, { phase: "Running", containersRunning: true, process: "starting" });
    this.#ctx.events.record("Pod", pod.name, pod.restartCount > 0 ? "Restarted" : "Started", `Started containers of ${pod.name}`);
    rt.step = this.#ctx.sim.at(rt.listensAt, this.#onListening, index, Priority.Urgent);
    this.#scheduleReadiness(rt, pod, app);
    this.#scheduleCrash(rt, pod);
  }

  #listening(index: number): void {
    const rt = this.#runtimes[index]!;
    rt.step = NO_EVENT;
    this.#ctx.store.apply({ type: "pod/status", uid: rt.uid, status: { process: "listening" } });
  }

  /**
   * Ready = every container ready (pkg/kubelet/status/generate.go). A container without a
   * readiness probe is ready once started (after its startup probe); with one, at the probe's
   * first success after the app listens. An app with `ready: false` never passes.
   */
  #scheduleReadiness(rt: PodRuntime, pod: Pod, app: AppBehaviour): void {
    const answersFrom = app.ready ? rt.listensAt : Number.POSITIVE_INFINITY;
    let readyAt = rt.containerStartedAt;
    for (const c of pod.spec.containers) readyAt = Math.max(readyAt, this.#containerReadyAt(rt, c, answersFrom));
    this.#setReadinessTimer(rt, readyAt, true);
  }

  #containerReadyAt(rt: PodRuntime, c: ContainerSpec, answersFrom: Time): Time {
    let started = rt.containerStartedAt;
    if (c.startupProbe !== null) started = successTime(c.startupProbe, rt.workerStart, rt.containerStartedAt, answersFrom);
    if (c.readinessProbe === null) return started;
    return successTime(c.readinessProbe, rt.workerStart, rt.containerStartedAt, Math.max(answersFrom, started));
  }

  /** Sets (or with `at` = Infinity, clears) the pending change of Ready to `target`. */
  #setReadinessTimer(rt: PodRuntime, at: Time, target: boolean): void {
    if (rt.readiness !== NO_EVENT) this.#ctx.sim.cancel(rt.readiness);
    rt.readyTarget = target;
    rt.readiness = at === Number.POSITIVE_INFINITY ? NO_EVENT : this.#ctx.sim.at(at, this.#onReadiness, rt.index, Priority.Normal);
  }

  #readinessChanged(index: number): void {
    const rt = this.#runtimes[index]!;
    rt.readiness = NO_EVENT;
    const pod = this.#ctx.store.pod(rt.uid);
    if (!rt.readyTarget) return this.#setNotReady(pod);
    // The kubelet's own view: the API's containersRunning is stale while the node is partitioned.
    if (rt.containerStartedAt === Number.POSITIVE_INFINITY) return;
    rt.kubeletReady = true;
    this.#postReady(pod);
  }

  /** The status manager posts Ready = true, when the API can be reached. */
  #postReady(pod: Pod): void {
    if (pod.ready || !this.#canPost(pod)) return;
    this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: true } });
    this.#ctx.events.record("Pod", pod.name, "Ready", `${pod.name} is Ready`);
  }

  #setNotReady(pod: Pod): void {
    const rt = this.#byUid.get(pod.uid);
    if (rt !== undefined) rt.kubeletReady = false;
    if (!pod.ready || !this.#canPost(pod)) return;
    this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status: { ready: false } });
    this.#ctx.events.record("Pod", pod.name, "NotReady", `${pod.name} is not Ready`);
  }

  /**
   * The status manager: posts a pod status change, or, while the node is partitioned, keeps it
   * to post when the partition heals (the process state is the kubelet's own and always moves).
   */
  #post(pod: Pod, status: PodStatusPatch): void {
    if (this.#canPost(pod)) {
      this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status });
      return;
    }
    const { process, ...api } = status;
    if (process !== undefined) this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status: { process } });
    const rt = this.#byUid.get(pod.uid);
    if (rt !== undefined && Object.keys(api).length > 0) rt.pendingStatus = { ...rt.pendingStatus, ...api };
  }

  /** A partitioned node's kubelet cannot post status; what it knows is posted when it heals. */
  #canPost(pod: Pod): boolean {
    return pod.nodeName === null || this.#ctx.store.nodes.get(pod.nodeName)?.reachable !== false;
  }

  /**
   * The container's end while running: the app's own crash (its time counts from the container's
   * start) or a kill by a failing startup or liveness probe while the app does not yet answer,
   * whichever comes first.
   */
  #scheduleCrash(rt: PodRuntime, pod: Pod): void {
    const app = this.#ctx.appFor(pod);
    if (rt.terminating) return;
    const crashAt = app.crash === null ? Number.POSITIVE_INFINITY : this.#ctx.sim.now + app.crash.sample(this.#crash);
    const killAt = this.#probeKillTime(rt, pod);
    rt.killedByProbe = killAt < crashAt;
    const at = Math.min(crashAt, killAt);
    if (at !== Number.POSITIVE_INFINITY) rt.crashTimer = this.#ctx.sim.at(at, this.#onCrash, rt.index, Priority.Urgent);
  }

  #probeKillTime(rt: PodRuntime, pod: Pod): Time {
    let killAt = Number.POSITIVE_INFINITY;
    for (const c of pod.spec.containers) {
      let livenessFrom = rt.containerStartedAt;
      if (c.startupProbe !== null) {
        killAt = Math.min(killAt, probeKillTime(c.startupProbe, rt.workerStart, rt.containerStartedAt, rt.containerStartedAt, rt.listensAt));
        livenessFrom = successTime(c.startupProbe, rt.workerStart, rt.containerStartedAt, rt.listensAt);
      }
      if (c.livenessProbe !== null && livenessFrom !== Number.POSITIVE_INFINITY) {
        killAt = Math.min(killAt, probeKillTime(c.livenessProbe, rt.workerStart, rt.containerStartedAt, livenessFrom, rt.listensAt));
      }
    }
    return killAt;
  }

  /** A crash, or a `pod-failure` fault: the container exits and restarts under the policy. */
  crash(uid: string): void {
    const rt = this.#byUid.get(uid);
    if (rt === undefined || rt.terminating) return;
    const pod = this.#ctx.store.pod(uid);
    if (!pod.containersRunning) return;
    this.#ctx.sim.cancel(rt.crashTimer);
    this.#crashed(rt.index);
  }

  #crashed(index: number): void {
    const rt = this.#runtimes[index]!;
    rt.crashTimer = NO_EVENT;
    if (rt.step !== NO_EVENT) this.#ctx.sim.cancel(rt.step);
    rt.step = NO_EVENT;
    const pod = this.#ctx.store.pod(rt.uid);
    const now = this.#ctx.sim.now;
    this.#stopProcess(rt, pod);
    if (rt.killedByProbe) {
      rt.killedByProbe = false;
      this.#ctx.events.record("Pod", pod.name, "Killing", `Container of ${pod.name} failed its liveness or startup probe, will be restarted`);
    } else {
      this.#ctx.events.record("Pod", pod.name, "Crashed", `Container of ${pod.name} exited`);
    }
    if (pod.spec.restartPolicy === "Never") {
      this.#post(pod, { phase: "Failed" });
      return;
    }
    const { restartAt, entry } = nextRestart(rt.backoff, now);
    rt.backoff = entry;
    rt.step = this.#ctx.sim.at(restartAt, this.#onRestart, index, Priority.Urgent);
  }

  #restart(index: number): void {
    const rt = this.#runtimes[index]!;
    const pod = this.#ctx.store.pod(rt.uid);
    this.#post(pod, { restartCount: (rt.pendingStatus?.restartCount ?? pod.restartCount) + 1 });
    rt.step = this.#ctx.sim.after(this.#ctx.timing.containerStart.sample(this.#start), this.#onStarted, index, Priority.Urgent);
  }

  /** The process is gone: not running, not ready (the kubelet reports it at once). */
  #stopProcess(rt: PodRuntime, pod: Pod): void {
    this.#setReadinessTimer(rt, Number.POSITIVE_INFINITY, false);
    rt.containerStartedAt = Number.POSITIVE_INFINITY;
    rt.listensAt = Number.POSITIVE_INFINITY;
    this.#post(pod, { containersRunning: false, process: "exited" });
    this.#setNotReady(pod);
  }

  /** The deletion timestamp was set: preStop, SIGTERM, exit or SIGKILL, then removal. */
  #beginTermination(uid: string): void {
    const pod = this.#ctx.store.pods.get(uid);
    if (pod === undefined || pod.nodeName === null) return;
    const node = this.#ctx.store.nodes.get(pod.nodeName);
    if (node === undefined || !node.kubeletUp || !node.reachable) return; // completes when the kubelet sees it
    const rt = this.#byUid.get(uid);
    if (rt === undefined) return this.#finish(pod, "never started");
    if (rt.terminating) return;
    rt.terminating = true;
    if (rt.step !== NO_EVENT) this.#ctx.sim.cancel(rt.step);
    if (rt.crashTimer !== NO_EVENT) this.#ctx.sim.cancel(rt.crashTimer);
    rt.step = NO_EVENT;
    rt.crashTimer = NO_EVENT;
    if (!pod.containersRunning) {
      // Nothing is running (pulling, or waiting out a crash backoff): the pod goes at once.
      return this.#finish(pod, "no running containers");
    }
    const now = this.#ctx.sim.now;
    const grace = (pod.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds) * MICROS_PER_SECOND;
    const app = this.#ctx.appFor(pod);
    const shutdown = app.shutdown.sample(this.#shutdown);
    const hook = this.#preStopDuration(pod, app);
    const timeline = terminationTimeline(now, grace, hook, shutdown);
    rt.step = this.#ctx.sim.at(timeline.sigterm, this.#onSigterm, rt.index, Priority.Urgent);
    rt.exitAt = timeline.exit;
    rt.killed = timeline.killed;
  }

  #preStopDuration(pod: Pod, app: AppBehaviour): Time {
    let longest = 0;
    for (const c of pod.spec.containers) {
      if (c.preStop === null) continue;
      const d = "sleepSeconds" in c.preStop ? c.preStop.sleepSeconds * MICROS_PER_SECOND : (app.preStop?.sample(this.#preStop) ?? 0);
      longest = Math.max(longest, d);
    }
    return longest;
  }

  #sigterm(index: number): void {
    const rt = this.#runtimes[index]!;
    const pod = this.#ctx.store.pod(rt.uid);
    this.#ctx.store.apply({ type: "pod/status", uid: rt.uid, status: { process: "stopping" } });
    this.#ctx.events.record("Pod", pod.name, "Killing", `Stopping container of ${pod.name}`);
    // The app stops answering its readiness probe once it has received SIGTERM.
    // The earliest failing container probe makes the pod not Ready; without probes, Ready
    // stays until the containers exit. A pending success is void: the app no longer answers.
    let notReadyAt = Number.POSITIVE_INFINITY;
    for (const c of pod.spec.containers) {
      if (c.readinessProbe === null) continue;
      notReadyAt = Math.min(notReadyAt, failureTime(c.readinessProbe, rt.workerStart, rt.containerStartedAt, this.#ctx.sim.now));
    }
    this.#setReadinessTimer(rt, pod.ready ? notReadyAt : Number.POSITIVE_INFINITY, false);
    rt.step = this.#ctx.sim.at(rt.exitAt, this.#onExit, index, Priority.Urgent);
  }

  #exited(index: number): void {
    const rt = this.#runtimes[index]!;
    const pod = this.#ctx.store.pod(rt.uid);
    rt.step = NO_EVENT;
    this.#finish(pod, rt.killed ? "killed at the end of its grace period" : "exited");
  }

  /** Containers gone: phase set, then the API object removed (status manager, grace 0). */
  #finish(pod: Pod, why: string): void {
    const rt = this.#byUid.get(pod.uid);
    if (rt !== undefined) this.#stopProcessQuietly(rt);
    if (rt !== undefined && !this.#canPost(pod)) {
      // Containers are gone, but the kubelet cannot tell the API: the object waits for the heal.
      this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status: { process: "exited" } });
      rt.pendingFinish = why;
      return;
    }
    if (pod.containersRunning || pod.process !== "exited") {
      this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status: { containersRunning: false, process: "exited" } });
    }
    this.#setNotReady(pod);
    this.#ctx.events.record("Pod", pod.name, "Deleted", `${pod.name} removed: ${why}`);
    this.#ctx.store.apply({ type: "pod/remove", uid: pod.uid });
  }

  #stopProcessQuietly(rt: PodRuntime): void {
    if (rt.step !== NO_EVENT) this.#ctx.sim.cancel(rt.step);
    if (rt.readiness !== NO_EVENT) this.#ctx.sim.cancel(rt.readiness);
    if (rt.crashTimer !== NO_EVENT) this.#ctx.sim.cancel(rt.crashTimer);
    rt.step = NO_EVENT;
    rt.readiness = NO_EVENT;
    rt.crashTimer = NO_EVENT;
  }

  /**
   * The pod object is gone: usually the kubelet removed it itself once its containers were gone
   * (`#finish`), or nothing of it ran here. A force deletion the kubelet cannot hear of (its
   * node is partitioned, the kubelet up) leaves the running process behind as an orphan.
   */
  #podDeleted(pod: Pod): void {
    const rt = this.#byUid.get(pod.uid);
    if (rt === undefined) return;
    const node = pod.nodeName === null ? undefined : this.#ctx.store.nodes.get(pod.nodeName);
    if (node?.kubeletUp && !node.reachable && isRunning(pod.process)) this.#orphan(pod, rt, node);
    this.#forget(pod.uid, true);
  }

  #orphan(pod: Pod, rt: PodRuntime, node: Node): void {
    const orphan: Orphan = { uid: pod.uid, name: pod.name, namespace: pod.namespace, owner: pod.owner, node: node.name, deletedAt: this.#ctx.sim.now, exit: NO_EVENT };
    // A termination the kubelet began before the partition (graceful deletion) goes on: the
    // process still exits when it would have (preStop, SIGTERM, exit or SIGKILL).
    if (rt.terminating && rt.exitAt !== Number.POSITIVE_INFINITY) {
      orphan.exit = this.#ctx.sim.at(rt.exitAt, () => this.#orphans.delete(orphan.uid), 0, Priority.Urgent);
    }
    this.#orphans.set(pod.uid, orphan);
  }

  /**
   * The node reaches the API again and the kubelet hears of the deletion. Its pod watch resumes
   * and delivers the force deletion as the API server wrote it, in two steps (staging/src/k8s.io/
   * apiserver/pkg/registry/rest/delete.go BeforeDelete: an update setting deletionTimestamp and
   * deletionGracePeriodSeconds = 0, then the delete): the pod worker starts terminating the pod
   * (pod_workers.go UpdatePod, "Pod is marked for graceful deletion, begin teardown") and the
   * removal (kubelet.go HandlePodRemoves → deletePod) sends a SyncPodKill. Had the watch to relist,
   * the pod would simply be missing from the config: HandlePodRemoves kills it from the kubelet's
   * last copy. HandlePodCleanups (kubelet_pods.go, housekeeping every 2 s) is the safety net: it
   * drops workers of pods no longer in the config and kills running pods no worker owns ("Clean up
   * orphaned pod containers", grace override 1 s).
   *
   * The grace period (pod_workers.go calculateEffectiveGracePeriod): pod.DeletionGracePeriodSeconds
   * = 0 is taken as given and raised to the floor of 1 s ("no matter what, we always supply a
   * grace period of 1"). (Kubelets 1.22 to 1.3x fell back to the spec's
   * terminationGracePeriodSeconds for a 0 there, as they still do for a relisted pod without a
   * deletion grace: kubernetes/kubernetes#115819, #120449.) kubesim follows the resumed watch
   * and the current kubelet. It kills a force-deleted pod's process at once when its node is
   * connected (termination.ts: grace 0 kills at once) and kills an orphan the same way, so both
   * paths of a force deletion end alike: the process is gone at the instant its node reconnects.
   */
  #killOrphans(node: Node): void {
    for (const orphan of this.#orphans.values()) {
      if (orphan.node !== node.name) continue;
      this.#endOrphan(orphan);
      const deletedAt = orphan.deletedAt / MICROS_PER_SECOND;
      this.#ctx.events.record(
        "Pod",
        orphan.name,
        "Killing",
        `Stopping container of ${orphan.name} (uid ${orphan.uid}): the pod was deleted from the API at ${deletedAt}s while ${node.name} was partitioned`,
      );
    }
  }

  #endOrphan(orphan: Orphan): void {
    if (orphan.exit !== NO_EVENT) this.#ctx.sim.cancel(orphan.exit);
    this.#orphans.delete(orphan.uid);
  }

  #forget(uid: string, cancel: boolean): void {
    const rt = this.#byUid.get(uid);
    if (rt === undefined) return;
    if (cancel) this.#stopProcessQuietly(rt);
    this.#byUid.delete(uid);
    this.#runtimes[rt.index] = undefined;
    this.#freeIndices.push(rt.index);
  }

  /**
   * Acts on transitions of the node's kubelet and reachability only (node updates such as taints
   * are not the kubelet's business). Kubelet down (node failure): its processes are gone.
   * Kubelet back up: pods deleted meanwhile are removed, the others restart. A partition that
   * heals: the kubelet posts what its probes say and carries out deletions it could not see.
   */
  #nodeChanged(node: Node): void {
    const before = this.#nodeStates.get(node.name) ?? { up: true, reachable: true };
    const now = { up: node.kubeletUp, reachable: node.reachable };
    this.#nodeStates.set(node.name, now);
    if (before.up === now.up && before.reachable === now.reachable) return;
    const store = this.#ctx.store;
    if (!now.up) {
      if (!before.up) return;
      // The kubelet's processes are gone, orphans too.
      for (const orphan of this.#orphans.values()) if (orphan.node === node.name) this.#endOrphan(orphan);
      for (const pod of store.podsOnNode(node.name)) {
        const rt = this.#byUid.get(pod.uid);
        if (rt === undefined) continue;
        this.#stopProcessQuietly(rt);
        this.#forget(pod.uid, false);
        // The API keeps the last posted status (Ready included): nobody can post for the pod now.
        store.apply({ type: "pod/status", uid: pod.uid, status: { process: "exited" } });
      }
      return;
    }
    if (!now.reachable) return;
    if (!before.reachable) this.#killOrphans(node);
    const restarted = !before.up;
    for (const pod of store.podsOnNode(node.name)) {
      const rt = this.#byUid.get(pod.uid);
      if (rt !== undefined) {
        this.#flushPending(pod, rt);
        continue;
      }
      if (pod.deletionTimestamp !== null) {
        this.#ctx.sim.after(0, () => {
          const p = store.pods.get(pod.uid);
          if (p !== undefined) this.#finish(p, restarted ? "deleted while its node was down" : "deleted while its node was unreachable");
        });
        continue;
      }
      if (restarted) this.#ctx.sim.after(0, () => this.#rebootPod(pod.uid));
      else this.#ctx.sim.after(0, () => this.#startPod(pod.uid));
    }
  }

  /** After a partition heals: post what was kept, finish what finished, start what was deleted. */
  #flushPending(pod: Pod, rt: PodRuntime): void {
    if (rt.pendingFinish !== null) {
      const why = rt.pendingFinish;
      rt.pendingFinish = null;
      return this.#finish(pod, why);
    }
    if (rt.pendingStatus !== null) {
      const status = rt.pendingStatus;
      rt.pendingStatus = null;
      this.#ctx.store.apply({ type: "pod/status", uid: pod.uid, status });
    }
    if (rt.kubeletReady && !pod.ready && pod.containersRunning) this.#postReady(pod);
    else if (!rt.kubeletReady && pod.ready) this.#setNotReady(pod);
    if (pod.deletionTimestamp !== null && !rt.terminating) this.#ctx.sim.after(0, () => this.#beginTermination(pod.uid));
  }

  /** A pod whose node came back: its containers start again (restartCount + 1). */
  #rebootPod(uid: string): void {
    const pod = this.#ctx.store.pods.get(uid);
    if (pod === undefined || this.#byUid.has(uid)) return;
    const rt = this.#admit(pod);
    this.#ctx.store.apply({
      type: "pod/status",
      uid,
      status: { containersRunning: false, process: "none", ready: false, restartCount: pod.restartCount + 1 },
    });
    const node = this.#ctx.store.nodes.get(pod.nodeName!)!;
    this.#pullImages(rt, pod, node);
  }

  /** Pod IPs come from the node's pod CIDR, never reused within a run. */
  #nextIp(node: Node): string {
    const n = (this.#ipCounters.get(node.name) ?? 0) + 1;
    this.#ipCounters.set(node.name, n);
    return `${node.name}/${n}`;
  }
}

/** A process that exists: started and not yet exited (SIGTERM received counts: it still runs). */
function isRunning(process: ProcessState): boolean {
  return process === "starting" || process === "listening" || process === "stopping";
}

function needsPull(c: ContainerSpec, node: Node): boolean {
  if (c.imagePullPolicy === "Always") return true;
  if (c.imagePullPolicy === "Never") return false;
  return !node.images.has(c.image);
}

export type { ProbeSpec };
