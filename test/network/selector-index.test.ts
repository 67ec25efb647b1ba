import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FirstPairIndex, firstPair, samePair } from "../../sim/network/selector-index.ts";

const t = suite("FirstPairIndex: a pod's candidate selectors are those filed under a pair it carries");

function candidates(index: FirstPairIndex<string>, namespace: string, labels: Record<string, string>): string[] {
  const out: string[] = [];
  index.forCandidates(namespace, labels, (item) => out.push(item));
  return out;
}

t("filed under the first pair and the namespace; other pairs and namespaces do not find it", () => {
  const index = new FirstPairIndex<string>();
  index.add(firstPair("default", { app: "web", tier: "front" })!, "web-svc");
  index.add(firstPair("default", { app: "db" })!, "db-svc");
  index.add(firstPair("other", { app: "web" })!, "other-web");
  index.add(firstPair("default", { tier: "front" })!, "front-svc");
  assert.equal(candidates(index, "default", { app: "web", tier: "back" }), ["web-svc"], "a candidate: the full selector is the caller's to check");
  assert.equal(candidates(index, "default", { app: "web", tier: "front" }), ["web-svc", "front-svc"]);
  assert.equal(candidates(index, "other", { app: "web" }), ["other-web"]);
  assert.equal(candidates(index, "default", { version: "v1" }), []);
});

t("remove takes an item out and forgets empty buckets; removing what is not there throws", () => {
  const index = new FirstPairIndex<string>();
  const pair = firstPair("default", { app: "web" })!;
  index.add(pair, "a");
  index.add(pair, "b");
  index.remove(pair, "a");
  assert.equal(candidates(index, "default", { app: "web" }), ["b"]);
  index.remove(pair, "b");
  assert.equal(candidates(index, "default", { app: "web" }), []);
  assert.throws(() => index.remove(pair, "b"), /not filed/);
});

t("a selector without pairs is filed nowhere; pairs compare by value", () => {
  assert.is(firstPair("default", {}), null);
  assert.is(firstPair("default", null), null);
  assert.ok(samePair(firstPair("default", { app: "web" }), { namespace: "default", key: "app", value: "web" }));
  assert.not.ok(samePair(firstPair("default", { app: "web" }), firstPair("default", { app: "db" })));
  assert.ok(samePair(null, null));
  assert.not.ok(samePair(null, firstPair("default", { app: "web" })));
});

t.run();
