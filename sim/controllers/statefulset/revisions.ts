/**
 * A StatefulSet's ControllerRevisions: which revision the current template is (the update
 * revision), which revision the pods below the partition stay at (the current revision), rollback
 * to an earlier template by renumbering its revision, and the revisionHistoryLimit cleanup.
 * Sources: pkg/controller/statefulset/stateful_set_control.go (`getStatefulSetRevisions`,
 * `truncateHistory`), stateful_set_utils.go (`newRevision`, `nextRevision`), and
 * pkg/controller/history/controller_history.go (`ControllerRevisionName`, `FindEqualRevisions`,
 * `SortControllerRevisions`, `CreateControllerRevision`).
 *
 * Leaves out: the strategic-merge patch a real revision stores (here a revision holds the pod
 * template itself, and two revisions are equal when their templates print equally), adoption of
 * orphaned revisions, and a persisted `status.collisionCount` (the model's status has none; the
 * count is recomputed from the history, which gives the same names for the same history).
 * Hashes have upstream's form but not its values (see template-hash.ts).
 */
import type { ControllerRevision, StatefulSet } from "../../model/workloads.ts";
import { canonicalJson, computeHash } from "../template-hash.ts";

/** What this sync did to the update revision. */
export type RevisionChange = "unchanged" | "created" | "rolledBack";

export interface StatefulSetRevisions {
  /** The revision that pods below the partition (and a finished rollout) are at. */
  readonly current: ControllerRevision;
  /** The revision of the set's current template. */
  readonly update: ControllerRevision;
  /** The history after this sync, sorted by revision number (oldest first). */
  readonly history: readonly ControllerRevision[];
  readonly change: RevisionChange;
}

/**
 * `<set>-<hash>`; upstream truncates the prefix so that the name fits 253 characters
 * (prefix ≤ 223). Example: set "web", hash "5d8f7b9c6" → "web-5d8f7b9c6".
 */
// pkg/controller/history/controller_history.go: ControllerRevisionName.
export function controllerRevisionName(setName: string, hash: string): string {
  const prefix = setName.length > 223 ? setName.slice(0, 223) : setName;
  return `${prefix}-${hash}`;
}

/** Oldest first: by revision number, then name (upstream also orders by creation time between them). */
// pkg/controller/history/controller_history.go: SortControllerRevisions.
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => a.revision - b.revision || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** 1 for an empty history, else one more than the newest. Example: revisions 1, 2, 5 → 6. */
// pkg/controller/statefulset/stateful_set_utils.go: nextRevision.
export function nextRevision(sorted: readonly ControllerRevision[]): number {
  return sorted.length === 0 ? 1 : sorted[sorted.length - 1].revision + 1;
}

/** Revisions are never changed once made, so each one's printed template is computed once. */
const printedRevisions = new WeakMap<ControllerRevision, string>();

function printed(revision: ControllerRevision): string {
  let text = printedRevisions.get(revision);
  if (text === undefined) printedRevisions.set(revision, (text = canonicalJson(revision.template)));
  return text;
}

/** Templates are never changed in place either (a change is a new object): printed once each. */
const printedTemplates = new WeakMap<object, string>();

/**
 * The current and update revisions of a set, creating or renumbering the update revision.
 * * The newest revision has the set's template → it is the update revision, nothing changes.
 * * An older revision has it (a rollback) → that revision gets the next number and is reused, so
 *   its pods need no update; e.g. history v1 (1), v2 (2), template back to v1 → v1 becomes 3.
 * * None has it → a new revision `<set>-<hash>` with the next number; on a name collision with a
 *   different template the hash is taken again with collisionCount + 1.
 * The current revision is the one named by `status.currentRevision`, or the update revision
 * when there is none (a new set).
 */
// pkg/controller/statefulset/stateful_set_control.go: getStatefulSetRevisions.
export function getStatefulSetRevisions(set: StatefulSet): StatefulSetRevisions {
  const revisions = sortRevisions(set.revisions);
  const template = set.spec.template;
  const next = nextRevision(revisions);
  // history.FindEqualRevisions keeps the history's order, so the last match is the newest.
  let wanted = printedTemplates.get(template);
  if (wanted === undefined) printedTemplates.set(template, (wanted = canonicalJson(template)));
  const equal = revisions.filter((r) => printed(r) === wanted);
  let update: ControllerRevision;
  let history: ControllerRevision[];
  let change: RevisionChange;
  if (equal.length > 0 && equal[equal.length - 1] === revisions[revisions.length - 1]) {
    update = revisions[revisions.length - 1];
    history = revisions;
    change = "unchanged";
  } else if (equal.length > 0) {
    const old = equal[equal.length - 1];
    update = { ...old, revision: next };
    history = sortRevisions(revisions.map((r) => (r === old ? update : r)));
    change = "rolledBack";
  } else {
    // history.CreateControllerRevision: retry with a higher collision count while the name is taken.
    let collisionCount = 0;
    let hash = computeHash(template, collisionCount);
    while (revisions.some((r) => r.name === controllerRevisionName(set.name, hash))) hash = computeHash(template, ++collisionCount);
    update = { name: controllerRevisionName(set.name, hash), hash, revision: next, template: structuredClone(template) };
    history = [...revisions, update];
    change = "created";
  }
  const current = history.find((r) => r.name === set.status.currentRevision) ?? update;
  return { current, update, history, change };
}

/**
 * Revisions that are neither the current nor the update revision nor the revision of any pod are
 * history; the oldest of them are deleted until at most `limit` remain (a negative limit keeps
 * all). Example: history 1..6, live {5, 6} and a pod at 2, limit 2 → non-live 1, 3, 4 → delete 1.
 */
// pkg/controller/statefulset/stateful_set_control.go: truncateHistory.
export function truncateHistory(history: readonly ControllerRevision[], live: ReadonlySet<string>, limit: number): ControllerRevision[] {
  const sorted = sortRevisions(history);
  const nonLive = sorted.filter((r) => !live.has(r.name));
  if (limit < 0 || nonLive.length <= limit) return sorted;
  const doomed = new Set(nonLive.slice(0, nonLive.length - limit));
  return sorted.filter((r) => !doomed.has(r));
}
