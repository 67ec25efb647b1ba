// Pins down the StatefulSet's PersistentVolumeClaims: names, creation before the pod, reuse,
// the retention policy as ownerReferences (upstream isClaimOwnerUpToDate /
// updateClaimOwnerRefForSetAndPod), stale claims blocking a pod, and the garbage-collector rule.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  claimIsStale,
  claimOwnersUpToDate,
  desiredClaimOwners,
  isClaimGarbage,
  type PersistentVolumeClaim,
} from "../../sim/controllers/statefulset/claims.ts";
import { getStatefulSetRevisions } from "../../sim/controllers/statefulset/revisions.ts";
import { newStatefulSetPod, type StatefulSetAction, type StatefulSetDecision, syncStatefulSet } from "../../sim/controllers/statefulset/sync.ts";
import { statefulSetFromManifest } from "../../sim/model/from-manifest.ts";
import type { Pod } from "../../sim/model/objects.ts";
import type { StatefulSet } from "../../sim/model/workloads.ts";

const t = suite("StatefulSet claims: per-ordinal PVCs and the retention policy");

type Policy = "Retain" | "Delete";

function statefulSet(whenScaled: Policy, whenDeleted: Policy, spec: Record<string, unknown> = {}): StatefulSet {
  const set = statefulSetFromManifest(
    {
      kind: "StatefulSet",
      metadata: { name: "web" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:v1" }] } },
        volumeClaimTemplates: [{ metadata: { name: "data" } }, { metadata: { name: "logs" } }],
        persistentVolumeClaimRetentionPolicy: { whenScaled, whenDeleted },
        ...spec,
      },
    },
    "set-uid",
    0,
  );
  const r = getStatefulSetRevisions(set);
  set.revisions = [...r.history];
  set.status = { ...set.status, currentRevision: r.update.name, updateRevision: r.update.name };
  return set;
}

function readyPod(set: StatefulSet, ordinal: number): Pod {
  const p = newStatefulSetPod(set, set.revisions[0], ordinal, `pod-uid-${ordinal}`, 0);
  p.nodeName = "worker-1";
  p.phase = "Running";
  p.ready = true;
  return p;
}

function claim(name: string, ordinal: number, ownerSetUid: string | null = null, ownerPod: { name: string; uid: string } | null = null): PersistentVolumeClaim {
  return { uid: `c-${name}`, name, namespace: "default", setName: "web", template: name.split("-")[0], ordinal, creationTime: 0, ownerSetUid, ownerPod };
}

function lines(d: StatefulSetDecision): string[] {
  return d.actions.map(line);
}

function refs(o: { setUid: string | null; pod: { name: string } | null }): string {
  return [o.setUid !== null ? "set" : "", o.pod !== null ? `pod ${o.pod.name}` : ""].filter(Boolean).join(", ") || "none";
}

function line(a: StatefulSetAction): string {
  switch (a.type) {
    case "createClaim":
      return `claim ${a.claim} (${refs(a.owners)})`;
    case "setClaimOwners":
      return `owners ${a.claim} (${refs(a.owners)})${a.updatesPod ? " +pod update" : ""}`;
    case "createPod":
      return `create ${a.name}`;
    case "deletePod":
      return `delete ${a.pod.name} (${a.reason})`;
  }
}

// --- the policy table (k8s-semantics §3.4) ------------------------------------------------------
const table: [Policy, Policy, string, string][] = [
  ["Retain", "Retain", "none", "none"],
  ["Retain", "Delete", "set", "set"],
  ["Delete", "Retain", "none", "pod"],
  ["Delete", "Delete", "set", "pod"],
];
for (const [whenScaled, whenDeleted, inRange, condemned] of table) {
  t(`whenScaled ${whenScaled} / whenDeleted ${whenDeleted}: in range → ${inRange}, scaled down → ${condemned}`, () => {
    const set = statefulSet(whenScaled, whenDeleted);
    const show = (o: ReturnType<typeof desiredClaimOwners>) => (o.setUid !== null ? "set" : o.pod !== null ? "pod" : "none");
    assert.is(show(desiredClaimOwners(set, { name: "web-1", uid: "p" }, true)), inRange);
    assert.is(show(desiredClaimOwners(set, { name: "web-1", uid: "p" }, false)), condemned);
  });
}

t("claimOwnersUpToDate: a claim still owned by an older set or an older pod of that name is left alone", () => {
  const set = statefulSet("Delete", "Delete");
  const pod = { name: "web-1", uid: "new" };
  assert.is(claimOwnersUpToDate(claim("data-web-1", 1, "old-set-uid"), set, pod, true), true);
  assert.is(claimOwnersUpToDate(claim("data-web-1", 1, null, { name: "web-1", uid: "old" }), set, pod, true), true);
  // Our own set ref in range is right; no ref is wrong.
  assert.is(claimOwnersUpToDate(claim("data-web-1", 1, "set-uid"), set, pod, true), true);
  assert.is(claimOwnersUpToDate(claim("data-web-1", 1), set, pod, true), false);
});

// --- in a sync -------------------------------------------------------------------------------------
t("creating a pod creates its claims first, one per template, named <template>-<set>-<ordinal>", () => {
  const set = statefulSet("Retain", "Delete");
  const d = syncStatefulSet(set, [], 0);
  assert.equal(lines(d), ["claim data-web-0 (set)", "claim logs-web-0 (set)", "create web-0"]);
});

t("an existing claim is reused, not created again (kept across pod re-creation)", () => {
  const set = statefulSet("Retain", "Retain");
  const d = syncStatefulSet(set, [readyPod(set, 0)], 0, { claims: [claim("data-web-1", 1), claim("logs-web-1", 1)] });
  assert.equal(lines(d), ["create web-1"]);
});

t("a retained claim of the wrong owners is fixed when its pod is created (policy changed to whenDeleted Delete)", () => {
  const set = statefulSet("Retain", "Delete");
  const d = syncStatefulSet(set, [readyPod(set, 0)], 0, { claims: [claim("data-web-1", 1), claim("logs-web-1", 1, "set-uid")] });
  assert.equal(lines(d), ["owners data-web-1 (set)", "create web-1"]);
});

t("whenScaled Delete: a claim still owned by the old web-1 is stale and blocks its re-creation", () => {
  const set = statefulSet("Delete", "Retain");
  const stale = claim("data-web-1", 1, null, { name: "web-1", uid: "gone" });
  assert.is(claimIsStale(set, stale), true);
  assert.is(claimIsStale(statefulSet("Retain", "Retain"), stale), false); // reused under Retain
  const d = syncStatefulSet(set, [readyPod(set, 0)], 0, { claims: [stale] });
  assert.equal(lines(d), []);
  assert.is(d.waitingFor, "claim data-web-1 of web-1 is still owned by an earlier pod");
});

t("scale-down 3 → 1 with whenScaled Delete: every condemned pod's claims get the pod as owner, then web-2 is deleted", () => {
  const set = statefulSet("Delete", "Retain", { replicas: 1 });
  const claims = [0, 1, 2].flatMap((i) => [claim(`data-web-${i}`, i), claim(`logs-web-${i}`, i)]);
  const d = syncStatefulSet(set, [0, 1, 2].map((i) => readyPod(set, i)), 0, { claims });
  // Phase 2 runs over all condemned pods (descending) before phase 3 deletes only the highest.
  assert.equal(lines(d), [
    "owners data-web-2 (pod web-2)",
    "owners logs-web-2 (pod web-2)",
    "owners data-web-1 (pod web-1)",
    "owners logs-web-1 (pod web-1)",
    "delete web-2 (condemned)",
  ]);
});

t("a pod back in range (scaled up while terminating) loses the pod ownerRef again: a pod update (Parallel)", () => {
  const set = statefulSet("Delete", "Retain", { podManagementPolicy: "Parallel" });
  const p = readyPod(set, 2);
  p.deletionTimestamp = 30_000_000;
  const claims = [claim("data-web-2", 2, null, { name: "web-2", uid: p.uid }), claim("logs-web-2", 2, null, { name: "web-2", uid: p.uid })];
  const d = syncStatefulSet(set, [readyPod(set, 0), readyPod(set, 1), p], 0, { claims });
  assert.equal(lines(d), ["owners data-web-2 (none) +pod update", "owners logs-web-2 (none) +pod update"]);
});

t("garbage: a claim goes when all its owners are gone; a claim without owners stays", () => {
  const none = () => false;
  const all = () => true;
  assert.is(isClaimGarbage(claim("data-web-0", 0), none, none), false);
  assert.is(isClaimGarbage(claim("data-web-0", 0, "set-uid"), none, none), true);
  assert.is(isClaimGarbage(claim("data-web-0", 0, "set-uid"), all, none), false);
  assert.is(isClaimGarbage(claim("data-web-0", 0, null, { name: "web-0", uid: "p" }), none, none), true);
  assert.is(isClaimGarbage(claim("data-web-0", 0, null, { name: "web-0", uid: "p" }), none, all), false);
});

t.run();
