// Pins down a StatefulSet's ControllerRevision history (upstream getStatefulSetRevisions,
// truncateHistory): names `<set>-<hash>`, revision numbers, rollback reusing a revision, the
// current revision from status, and revisionHistoryLimit. Hand-checked cases.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  controllerRevisionName,
  getStatefulSetRevisions,
  nextRevision,
  truncateHistory,
} from "../../sim/controllers/statefulset/revisions.ts";
import { syncStatefulSet } from "../../sim/controllers/statefulset/sync.ts";
import { computeHash } from "../../sim/controllers/template-hash.ts";
import { statefulSetFromManifest } from "../../sim/model/from-manifest.ts";
import type { ControllerRevision, PodTemplate, StatefulSet } from "../../sim/model/workloads.ts";

const t = suite("StatefulSet revisions: ControllerRevision history, rollback, revisionHistoryLimit");

function template(tag: string): PodTemplate {
  return { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: `web:${tag}` }] } };
}

function statefulSet(spec: Record<string, unknown> = {}): StatefulSet {
  return statefulSetFromManifest(
    { kind: "StatefulSet", metadata: { name: "web" }, spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: template("v1"), ...spec } },
    "set-uid",
    0,
  );
}

/** Applies what a sync of the set with no pods decides to its history and status (as the controller writes them). */
function syncWith(set: StatefulSet, tag: string): void {
  set.spec = { ...set.spec, template: template(tag) };
  const d = syncStatefulSet(set, [], 0);
  set.revisions = [...d.revisions];
  set.status = { ...set.status, ...d.status };
}

const summary = (revisions: readonly ControllerRevision[]) => revisions.map((r) => `${(r.template.spec!.containers as { image: string }[])[0].image}#${r.revision}`);

t("first sync: revision 1 named <set>-<hash of the template>; current = update", () => {
  const set = statefulSet();
  const r = getStatefulSetRevisions(set);
  assert.is(r.update.name, `web-${computeHash(template("v1"))}`);
  assert.is(r.update.revision, 1);
  assert.is(r.current, r.update);
  assert.is(r.change, "created");
});

t("same template again: the newest revision is reused, nothing changes", () => {
  const set = statefulSet();
  syncWith(set, "v1");
  const r = getStatefulSetRevisions(set);
  assert.is(r.change, "unchanged");
  assert.equal(summary(r.history), ["web:v1#1"]);
});

t("new template: revision 2 is the update revision, the current revision stays 1 until the rollout completes", () => {
  const set = statefulSet();
  syncWith(set, "v1");
  set.spec = { ...set.spec, template: template("v2") };
  const r = getStatefulSetRevisions(set);
  assert.is(r.change, "created");
  assert.is(r.update.revision, 2);
  assert.is(r.current.revision, 1);
  assert.equal(summary(r.history), ["web:v1#1", "web:v2#2"]);
});

t("rollback to v1 after v2: v1's revision (same name) is renumbered 3, no new revision", () => {
  const set = statefulSet();
  syncWith(set, "v1");
  syncWith(set, "v2");
  const v1Name = set.revisions[0].name;
  set.spec = { ...set.spec, template: template("v1") };
  const r = getStatefulSetRevisions(set);
  assert.is(r.change, "rolledBack");
  assert.is(r.update.name, v1Name);
  assert.is(r.update.revision, 3);
  assert.equal(summary(r.history), ["web:v2#2", "web:v1#3"]);
});

t("rollback to the revision that is still current: it is renumbered and stays current", () => {
  const set = statefulSet();
  syncWith(set, "v1");
  syncWith(set, "v2"); // current stays v1 (no pods updated)
  set.spec = { ...set.spec, template: template("v1") };
  const r = getStatefulSetRevisions(set);
  assert.is(r.current, r.update);
  assert.is(r.current.revision, 3);
});

t("a hash collision with a different template: the name is taken again with collisionCount 1", () => {
  const set = statefulSet();
  // A revision already holds the name v1 would get, with another template.
  const taken = controllerRevisionName("web", computeHash(template("v1")));
  set.revisions = [{ name: taken, hash: computeHash(template("v1")), revision: 1, template: template("other") }];
  const r = getStatefulSetRevisions(set);
  assert.is(r.update.name, controllerRevisionName("web", computeHash(template("v1"), 1)));
  assert.is(r.update.revision, 2);
});

t("nextRevision: 1 when empty, else newest + 1", () => {
  assert.is(nextRevision([]), 1);
  const r = (revision: number): ControllerRevision => ({ name: `r${revision}`, hash: "", revision, template: {} });
  assert.is(nextRevision([r(1), r(2), r(5)]), 6);
});

t("truncateHistory: history 1..6, live 5, 6 and a pod at 2, limit 2 → non-live 1, 3, 4 → 1 is deleted", () => {
  const r = (revision: number): ControllerRevision => ({ name: `r${revision}`, hash: "", revision, template: {} });
  const kept = truncateHistory([r(1), r(2), r(3), r(4), r(5), r(6)], new Set(["r5", "r6", "r2"]), 2);
  assert.equal(
    kept.map((x) => x.revision),
    [2, 3, 4, 5, 6],
  );
  // limit 0: every non-live revision goes; a negative limit keeps everything.
  assert.equal(
    truncateHistory([r(1), r(2), r(3)], new Set(["r3"]), 0).map((x) => x.revision),
    [3],
  );
  assert.is(truncateHistory([r(1), r(2), r(3)], new Set(["r3"]), -1).length, 3);
});

t("revisionHistoryLimit 2 through syncs v1..v5: live current and update plus the 2 newest others remain", () => {
  const set = statefulSet({ revisionHistoryLimit: 2 });
  for (const tag of ["v1", "v2", "v3", "v4", "v5"]) syncWith(set, tag);
  // spec.replicas is 1 and no pod exists, so no rollout completes: the current revision stays v1.
  assert.is(set.status.currentRevision, set.revisions.find((x) => x.revision === 1)!.name);
  // Live: v1 (current), v5 (update); history v2, v3, v4 → the 2 newest (v3, v4) remain.
  assert.equal(summary(set.revisions), ["web:v1#1", "web:v3#3", "web:v4#4", "web:v5#5"]);
});

t.run();
