// The invalid corpus: one file per mistake a user could make in a scenario or a manifest, plus
// every YAML hazard the loader rejects. Each case pins the exact diagnostics (file:line:column,
// field path, message, in order) and that loading it takes well under a second.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { capturingIo, type RunOptions, runScenarios } from "../../sim/cli/run-scenarios.ts";
import { validateCommand } from "../../sim/cli/simple-commands.ts";
import { formatDiagnostic, loadScenarioSync, validateFileSync } from "../../sim/scenario/index.ts";

const t = suite("scenario: invalid corpus");

const DIR = "test/scenario/fixtures/invalid";

/** [fixture relative to DIR, how it is loaded, expected diagnostics with `{dir}` for DIR]. */
type Case = readonly [file: string, loader: "scenario" | "file", expected: readonly string[]];

const CASES: readonly Case[] = [
  ["alias-bomb.yaml", "scenario", [
    "{dir}/alias-bomb.yaml:14:11: aliases expand to more than 10000 nodes (an alias bomb?); write the values out or use fewer aliases",
  ]],
  ["alias-cycle.yaml", "scenario", [
    "{dir}/alias-cycle.yaml:14:7: spec.objects[0]: alias *loop refers to a node that contains it (a cycle)",
  ]],
  ["alias-undefined.yaml", "scenario", [
    "{dir}/alias-undefined.yaml:15:13: spec.traffic[0].rate: alias *rate has no anchor &rate defined before it",
  ]],
  ["api-version-wrong.yaml", "scenario", [
    "{dir}/api-version-wrong.yaml:1:13: apiVersion: Unsupported value: \"kubesim/v1\": supported values: \"kubesim/v1alpha1\"",
  ]],
  ["apply-manifest-and-objects.yaml", "scenario", [
    "{dir}/apply-manifest-and-objects.yaml:20:9: spec.events[0].apply.objects: Forbidden: may not be specified when `manifest` is specified",
  ]],
  ["apps-unknown-workload.yaml", "scenario", [
    "{dir}/apps-unknown-workload.yaml:17:5: spec.apps[api]: Not found: \"api\": no Deployment, StatefulSet or ReplicaSet of that name",
  ]],
  ["binary.yaml", "scenario", [
    "{dir}/binary.yaml:2:11: file is binary (it contains a NUL byte), not YAML text",
  ]],
  ["capacity-bad-quantity.yaml", "scenario", [
    "{dir}/capacity-bad-quantity.yaml:11:28: spec.cluster.nodes[0].capacity.memory: Invalid value: \"16GB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]],
  ["check-metric-unknown.yaml", "scenario", [
    "{dir}/check-metric-unknown.yaml:17:16: spec.checks[0].metric: Unsupported value: \"availabilty\": supported values: \"requests_total\", \"requests_ok\", \"requests_failed\", \"requests_timeout\", \"availability\", \"reachability\", \"unreachable_s\", \"rollout_duration_s\", \"min_available_replicas\", \"max_surge_pods\", \"pods_created\", \"pods_deleted\", \"events_processed\"",
  ]],
  ["check-min-above-max.yaml", "scenario", [
    "{dir}/check-min-above-max.yaml:17:60: spec.checks[0].max: Invalid value: 0.9: must be greater than or equal to min (0.99)",
  ]],
  ["comments-only.yaml", "scenario", [
    "{dir}/comments-only.yaml:1:1: file contains no YAML document (it is empty or only comments)",
  ]],
  ["deep-nesting.yaml", "scenario", [
    "{dir}/deep-nesting.yaml:16:76: nesting is deeper than 64 levels",
  ]],
  ["distribution-min-above-max.yaml", "scenario", [
    "{dir}/distribution-min-above-max.yaml:18:26: spec.apps[web].startup.uniform: Invalid value: {\"min\":\"5s\",\"max\":\"1s\"}: min (5s) must be less than or equal to max (1s)",
  ]],
  ["distribution-missing-field.yaml", "scenario", [
    "{dir}/distribution-missing-field.yaml:18:26: spec.apps[web].startup.uniform.max: Required value",
  ]],
  ["distribution-typo.yaml", "scenario", [
    "{dir}/distribution-typo.yaml:18:17: spec.apps[web].startup.unifrom: unknown field \"unifrom\"; did you mean \"uniform\"?",
  ]],
  ["distribution-wrong-type.yaml", "scenario", [
    "{dir}/distribution-wrong-type.yaml:17:16: spec.timing.imagePull: Invalid value: [\"2s\",\"3s\"]: must be a duration (e.g. 5s) or a distribution: {constant}, {uniform: {min, max}}, {exponential: {mean}}, {normal: {mean, stddev}}, {lognormal: {median, p99}}, {delay, jitter}, {empirical: [...]}",
  ]],
  ["duplicate-key.yaml", "scenario", [
    "{dir}/duplicate-key.yaml:7:3: spec.duration: duplicate field \"duration\" (first defined at line 6)",
  ]],
  ["duration-missing-unit.yaml", "scenario", [
    "{dir}/duration-missing-unit.yaml:6:13: spec.duration: Invalid value: 600: missing unit (use e.g. 5s or 500ms)",
  ]],
  ["duration-missing.yaml", "scenario", [
    "{dir}/duration-missing.yaml:6:3: spec.duration: Required value",
  ]],
  ["duration-unknown-unit.yaml", "scenario", [
    "{dir}/duration-unknown-unit.yaml:6:13: spec.duration: Invalid value: \"10min\": unknown unit \"min\" (valid: ns, us, ms, s, m, h)",
  ]],
  ["empty.yaml", "scenario", [
    "{dir}/empty.yaml:1:1: file is empty",
  ]],
  ["event-at-and-every.yaml", "scenario", [
    "{dir}/event-at-and-every.yaml:18:7: spec.events[0].every: Forbidden: may not be specified when `at` is specified",
  ]],
  ["event-no-action.yaml", "scenario", [
    "{dir}/event-no-action.yaml:17:7: spec.events[0]: Required value: must specify one action: rollout, scale, patch, delete, apply, fault",
  ]],
  ["event-rollout-service.yaml", "scenario", [
    "{dir}/event-rollout-service.yaml:18:25: spec.events[0].rollout.target: Invalid value: \"service/web\": a rollout target must be a deployment or statefulset",
  ]],
  ["event-target-no-kind.yaml", "scenario", [
    "{dir}/event-target-no-kind.yaml:18:23: spec.events[0].scale.target: Invalid value: \"web\": must be kind/name, e.g. deployment/web",
  ]],
  ["event-target-not-found.yaml", "scenario", [
    "{dir}/event-target-not-found.yaml:18:25: spec.events[0].rollout.target: Not found: \"deployment/webb\": no Deployment named \"webb\" in the manifests; did you mean \"deployment/web\"?",
  ]],
  ["event-two-actions.yaml", "scenario", [
    "{dir}/event-two-actions.yaml:19:7: spec.events[0].delete: Forbidden: may not specify more than one action (`scale` is already specified)",
  ]],
  ["fault-action-unknown.yaml", "scenario", [
    "{dir}/fault-action-unknown.yaml:18:23: spec.events[0].fault.action: Unsupported value: \"node-crash\": supported values: \"pod-kill\", \"pod-failure\", \"node-failure\", \"node-drain\", \"network-partition\"",
  ]],
  ["fault-fixed-without-value.yaml", "scenario", [
    "{dir}/fault-fixed-without-value.yaml:18:14: spec.events[0].fault.value: Required value: must be specified when `mode` is 'fixed'",
  ]],
  ["fault-pod-failure-duration.yaml", "scenario", [
    "{dir}/fault-pod-failure-duration.yaml:18:68: spec.events[0].fault.duration: Forbidden: may not be specified for pod-failure (the container restarts under the pod's restartPolicy)",
  ]],
  ["fault-node-not-found.yaml", "scenario", [
    "{dir}/fault-node-not-found.yaml:18:54: spec.events[0].fault.selector.node: Not found: \"worker-9\": no such node; did you mean \"worker-1\"?",
  ]],
  ["inline-object-invalid.yaml", "scenario", [
    "{dir}/inline-object-invalid.yaml:18:19: spec.objects[0].spec.replicas: Invalid value: -2: must be greater than or equal to 0",
  ]],
  ["kube-proxy-min-sync-above-sync-period.yaml", "scenario", [
    "{dir}/kube-proxy-min-sync-above-sync-period.yaml:7:43: spec.timing.kubeProxySync.minSyncPeriod: Invalid value: \"1h30m\": must be less than or equal to kube-proxy's syncPeriod (1h)",
  ]],
  ["kubernetes-manifest.yaml", "scenario", [
    "{dir}/kubernetes-manifest.yaml:2:7: kind: Invalid value: \"Deployment\": this is not a kubesim Scenario (kind: Scenario); a Kubernetes manifest belongs in a file listed under spec.manifests",
  ]],
  ["manifest-absolute.yaml", "scenario", [
    "{dir}/manifest-absolute.yaml:12:7: spec.manifests[0]: Invalid value: \"/etc/kubesim/web.yaml\": must be a path relative to the scenario file, not an absolute path",
  ]],
  ["manifest-file-invalid.yaml", "scenario", [
    "{dir}/manifests/statefulset-partition-negative.yaml:9:18: spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
  ]],
  ["manifest-missing.yaml", "scenario", [
    "{dir}/manifest-missing.yaml:12:7: spec.manifests[0]: Not found: \"shared/wbe.yaml\": no such file (looked for {dir}/shared/wbe.yaml)",
  ]],
  ["manifest-url.yaml", "scenario", [
    "{dir}/manifest-url.yaml:12:7: spec.manifests[0]: Invalid value: \"https://example.com/web.yaml\": must be a path relative to the scenario file; URLs are not fetched (download the manifest next to the scenario)",
  ]],
  ["many-errors-at-once.yaml", "scenario", [
    "{dir}/many-errors-at-once.yaml:6:13: spec.duration: Invalid value: 10: missing unit (use e.g. 5s or 500ms)",
    "{dir}/many-errors-at-once.yaml:15:13: spec.traffic[0].rate: Invalid value: -1: must be greater than or equal to 0",
    "{dir}/many-errors-at-once.yaml:16:3: spec.replication: unknown field \"replication\"; did you mean \"replications\"?",
    "{dir}/many-errors-at-once.yaml:19:23: spec.events[0].scale.target: Not found: \"deployment/nope\": no Deployment named \"nope\" in the manifests",
  ]],
  ["multiple-documents.yaml", "scenario", [
    "{dir}/multiple-documents.yaml:17:1: expected one YAML document, found 2: a scenario file holds one Scenario (list Kubernetes manifests under spec.manifests)",
  ]],
  ["name-not-dns-label.yaml", "scenario", [
    "{dir}/name-not-dns-label.yaml:4:9: metadata.name: Invalid value: \"Rolling_Update\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]],
  ["negative-rate.yaml", "scenario", [
    "{dir}/negative-rate.yaml:15:13: spec.traffic[0].rate: Invalid value: -5: must be greater than or equal to 0",
  ]],
  ["nodes-empty.yaml", "scenario", [
    "{dir}/nodes-empty.yaml:8:12: spec.cluster.nodes: Required value: must have at least 1 item",
  ]],
  ["not-utf8.yaml", "scenario", [
    "{dir}/not-utf8.yaml:5:19: file is not valid UTF-8 (byte 0xe9); save it as UTF-8",
  ]],
  ["replications-fraction.yaml", "scenario", [
    "{dir}/replications-fraction.yaml:7:17: spec.replications: Invalid value: 2.5: must be an integer",
  ]],
  ["replications-zero.yaml", "scenario", [
    "{dir}/replications-zero.yaml:7:17: spec.replications: Invalid value: 0: must be greater than or equal to 1",
  ]],
  ["rollout-container-ambiguous.yaml", "scenario", [
    "{dir}/rollout-container-ambiguous.yaml:25:16: spec.events[0].rollout.container: Required value: the pod template has 2 containers (api, proxy); name the one to update",
  ]],
  ["rollout-template-errors.yaml", "scenario", [
    "{dir}/rollout-template-errors.yaml:15:38: spec.events[0].rollout.template.spec.containers[0].imagePullPolcy: unknown field \"imagePullPolcy\"; did you mean \"imagePullPolicy\"?",
    "{dir}/rollout-template-errors.yaml:17:67: spec.events[1].rollout.container: Not found: \"wbe\": no container of that name in deployment/web; did you mean \"web\"?",
  ]],
  ["seed-too-large.yaml", "scenario", [
    "{dir}/seed-too-large.yaml:7:9: spec.seed: Invalid value: 12345678901234567890: integer is too large to be held exactly (above 2^53-1); quote it if it is text",
  ]],
  ["seed-wrong-type.yaml", "scenario", [
    "{dir}/seed-wrong-type.yaml:7:9: spec.seed: Invalid value: true: must be a string or a number",
  ]],
  ["start-unsupported.yaml", "scenario", [
    "{dir}/start-unsupported.yaml:7:10: spec.start: Unsupported value: \"warm\": supported values: \"steady\", \"empty\"",
  ]],
  ["strategy-duplicate-name.yaml", "scenario", [
    "{dir}/strategy-duplicate-name.yaml:18:13: spec.strategies[1].name: Duplicate value: \"fast\"",
  ]],
  ["strategy-patch-missing-merge-key.yaml", "scenario", [
    "{dir}/strategy-patch-missing-merge-key.yaml:19:64: spec.strategies[0].patch[deployment/web].spec.template.spec.containers[0]: Invalid value: {\"image\":\"web:v2\"}: does not contain declared merge key: name",
  ]],
  ["strategy-patch-unknown-field.yaml", "scenario", [
    "{dir}/strategy-patch-unknown-field.yaml:19:33: spec.strategies[0].patch[deployment/web].spec.replicass: unknown field \"replicass\"; did you mean \"replicas\"?",
  ]],
  ["strategy-target-not-found.yaml", "scenario", [
    "{dir}/strategy-target-not-found.yaml:19:9: spec.strategies[0].patch[deployment/api]: Not found: \"deployment/api\": no Deployment named \"api\" in the manifests",
  ]],
  ["strategy-traffic-unknown-service.yaml", "scenario", [
    "{dir}/strategy-traffic-unknown-service.yaml:19:21: spec.strategies[0].traffic[0].service: Not found: \"api\": no Service of that name in the manifests",
  ]],
  ["strategy-zero-surge-zero-unavailable.yaml", "scenario", [
    "{dir}/strategy-zero-surge-zero-unavailable.yaml:22:60: spec.strategies[0].patch[deployment/web].spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
  ]],
  ["tab-indent.yaml", "scenario", [
    "{dir}/tab-indent.yaml:6:1: tabs are not allowed as indentation in YAML; indent with spaces",
  ]],
  ["timing-unknown-key.yaml", "scenario", [
    "{dir}/timing-unknown-key.yaml:17:5: spec.timing.controllerLatancy: unknown field \"controllerLatancy\"; did you mean \"controllerLatency\"?",
  ]],
  ["top-level-list.yaml", "scenario", [
    "{dir}/top-level-list.yaml:1:1: Invalid value: [{\"apiVersion\":\"kubesim/v1alpha1\"},{\"kind\":\"Scenario\"}]: a scenario must be a mapping with apiVersion, kind, metadata and spec",
  ]],
  ["traffic-service-not-found.yaml", "scenario", [
    "{dir}/traffic-service-not-found.yaml:14:16: spec.traffic[0].service: Not found: \"webb\": no Service of that name in the manifests; did you mean \"web\"?",
  ]],
  ["unclosed-flow.yaml", "scenario", [
    "{dir}/unclosed-flow.yaml:16:1: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ]],
  ["unknown-field-typo.yaml", "scenario", [
    "{dir}/unknown-field-typo.yaml:7:3: spec.replication: unknown field \"replication\"; did you mean \"replications\"?",
  ]],
  ["unsupported-tag.yaml", "scenario", [
    "{dir}/unsupported-tag.yaml:15:18: spec.traffic[0].rate: unsupported YAML tag \"!Ref\"",
  ]],
  ["utf16.yaml", "scenario", [
    "{dir}/utf16.yaml:1:1: file is UTF-16 encoded; save it as UTF-8",
  ]],
  ["yaml11-boolean.yaml", "scenario", [
    "{dir}/yaml11-boolean.yaml:18:14: spec.apps[web].ready: Invalid value: \"yes\": must be a boolean (true or false); \"yes\" is a string in YAML 1.2",
  ]],
  ["manifests/annotation-not-string.yaml", "file", [
    "{dir}/manifests/annotation-not-string.yaml:6:27: metadata.annotations[prometheus.io/scrape]: Invalid value: true: must be a string; quote it in YAML (\"true\")",
  ]],
  ["manifests/api-version-removed.yaml", "file", [
    "{dir}/manifests/api-version-removed.yaml:1:13: apiVersion: Unsupported value: \"extensions/v1beta1\": supported values: \"apps/v1\"",
  ]],
  ["manifests/container-image-missing.yaml", "file", [
    "{dir}/manifests/container-image-missing.yaml:16:11: spec.template.spec.containers[0].image: Required value",
  ]],
  ["manifests/container-name-duplicate.yaml", "file", [
    "{dir}/manifests/container-name-duplicate.yaml:18:17: spec.template.spec.containers[1].name: Duplicate value: \"web\"",
  ]],
  ["manifests/containers-missing.yaml", "file", [
    "{dir}/manifests/containers-missing.yaml:15:7: spec.template.spec.containers: Required value",
  ]],
  ["manifests/duplicate-objects.yaml", "file", [
    "{dir}/manifests/duplicate-objects.yaml:22:9: metadata.name: Duplicate value: \"web\": deployment/web is already defined at {dir}/manifests/duplicate-objects.yaml:4:9",
  ]],
  ["manifests/grace-period-negative.yaml", "file", [
    "{dir}/manifests/grace-period-negative.yaml:15:38: spec.template.spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0",
  ]],
  ["manifests/label-value-invalid.yaml", "file", [
    "{dir}/manifests/label-value-invalid.yaml:14:15: spec.template.metadata.labels[tier]: Invalid value: \"-front-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]],
  ["manifests/liveness-success-threshold.yaml", "file", [
    "{dir}/manifests/liveness-success-threshold.yaml:20:31: spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
  ]],
  ["manifests/name-uppercase.yaml", "file", [
    "{dir}/manifests/name-uppercase.yaml:4:9: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]],
  ["manifests/pdb-both-set.yaml", "file", [
    "{dir}/manifests/pdb-both-set.yaml:6:3: spec: Invalid value: {\"minAvailable\":2,\"maxUnavailable\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}: minAvailable and maxUnavailable cannot be both set",
  ]],
  ["manifests/percent-without-sign.yaml", "file", [
    "{dir}/manifests/percent-without-sign.yaml:9:23: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"25\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ]],
  ["manifests/prestop-sleep-beyond-grace.yaml", "file", [
    "{dir}/manifests/prestop-sleep-beyond-grace.yaml:20:32: spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds: Invalid value: 45: must be non-negative and less than terminationGracePeriodSeconds (30)",
  ]],
  ["manifests/probe-no-handler.yaml", "file", [
    "{dir}/manifests/probe-no-handler.yaml:19:13: spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type",
  ]],
  ["manifests/probe-period-negative.yaml", "file", [
    "{dir}/manifests/probe-period-negative.yaml:20:28: spec.template.spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
  ]],
  ["manifests/recreate-with-rolling-update.yaml", "file", [
    "{dir}/manifests/recreate-with-rolling-update.yaml:10:7: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ]],
  ["manifests/replicas-negative.yaml", "file", [
    "{dir}/manifests/replicas-negative.yaml:6:13: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
  ]],
  ["manifests/replicas-string.yaml", "file", [
    "{dir}/manifests/replicas-string.yaml:6:13: spec.replicas: Invalid value: \"3\": must be an integer",
  ]],
  ["manifests/request-above-limit.yaml", "file", [
    "{dir}/manifests/request-above-limit.yaml:20:20: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
  ]],
  ["manifests/request-bad-quantity.yaml", "file", [
    "{dir}/manifests/request-bad-quantity.yaml:20:20: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"2 cores\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ]],
  ["manifests/restart-policy-never.yaml", "file", [
    "{dir}/manifests/restart-policy-never.yaml:15:22: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
  ]],
  ["manifests/selector-mismatch.yaml", "file", [
    "{dir}/manifests/selector-mismatch.yaml:13:9: spec.template.metadata.labels: Invalid value: {\"app\":\"frontend\"}: `selector` does not match template `labels`",
  ]],
  ["manifests/selector-missing.yaml", "file", [
    "{dir}/manifests/selector-missing.yaml:6:3: spec.selector: Required value",
  ]],
  ["manifests/service-port-out-of-range.yaml", "file", [
    "{dir}/manifests/service-port-out-of-range.yaml:9:7: spec.ports[0].targetPort: Invalid value: 80800: must be between 1 and 65535, inclusive",
    "{dir}/manifests/service-port-out-of-range.yaml:9:13: spec.ports[0].port: Invalid value: 80800: must be between 1 and 65535, inclusive",
  ]],
  ["manifests/service-ports-unnamed.yaml", "file", [
    "{dir}/manifests/service-ports-unnamed.yaml:9:7: spec.ports[0].name: Required value",
    "{dir}/manifests/service-ports-unnamed.yaml:10:7: spec.ports[1].name: Required value",
  ]],
  ["manifests/service-publish-yes.yaml", "file", [
    "{dir}/manifests/service-publish-yes.yaml:6:29: spec.publishNotReadyAddresses: Invalid value: \"yes\": must be a boolean (true or false); \"yes\" is a string in YAML 1.2",
  ]],
  ["manifests/statefulset-ondelete-with-rolling.yaml", "file", [
    "{dir}/manifests/statefulset-ondelete-with-rolling.yaml:10:7: spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
  ]],
  ["manifests/statefulset-partition-negative.yaml", "file", [
    "{dir}/manifests/statefulset-partition-negative.yaml:9:18: spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
  ]],
  ["manifests/statefulset-policy-invalid.yaml", "file", [
    "{dir}/manifests/statefulset-policy-invalid.yaml:7:24: spec.podManagementPolicy: Invalid value: \"Ordered\": must be 'OrderedReady' or 'Parallel'",
  ]],
  ["manifests/statefulset-retention-invalid.yaml", "file", [
    "{dir}/manifests/statefulset-retention-invalid.yaml:8:17: spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
  ]],
  ["manifests/strategy-type-unsupported.yaml", "file", [
    "{dir}/manifests/strategy-type-unsupported.yaml:8:11: spec.strategy.type: Unsupported value: \"Rolling\": supported values: \"Recreate\", \"RollingUpdate\"",
  ]],
  ["manifests/surge-and-unavailable-zero.yaml", "file", [
    "{dir}/manifests/surge-and-unavailable-zero.yaml:10:23: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0",
  ]],
  ["manifests/unknown-field.yaml", "file", [
    "{dir}/manifests/unknown-field.yaml:6:3: spec.replicass: unknown field \"replicass\"; did you mean \"replicas\"?",
  ]],
  ["manifests/unknown-kind.yaml", "file", [
    "{dir}/manifests/unknown-kind.yaml:2:7: kind: Invalid value: \"Deploymnet\": no matches for kind \"Deploymnet\" in version \"apps/v1\"; did you mean \"Deployment\"?",
  ]],
  // Limits and hazards found by the loader fuzzer (bench/fuzz-loader.ts).
  ["replicas-above-int32.yaml", "scenario", [
    "{dir}/replicas-above-int32.yaml:18:19: spec.objects[0].spec.replicas: Invalid value: 3000000000: must fit in an int32 (at most 2147483647)",
  ]],
  ["replicas-above-limit.yaml", "scenario", [
    "{dir}/replicas-above-limit.yaml:18:19: spec.objects[0].spec.replicas: Invalid value: 2000000: kubesim simulates at most 1000000 replicas per workload",
  ]],
  ["proto-key.yaml", "scenario", [
    "{dir}/proto-key.yaml:18:9: spec.objects[0].spec.__proto__: unknown field \"__proto__\"",
  ]],
  ["inherited-field-name.yaml", "scenario", [
    "{dir}/inherited-field-name.yaml:18:9: spec.objects[0].spec.toString: unknown field \"toString\"",
  ]],
  ["label-value-mapping.yaml", "scenario", [
    "{dir}/label-value-mapping.yaml:21:47: spec.objects[0].spec.template.metadata.labels[tier]: Invalid value: {\"name\":\"web\"}: must be a string, not a mapping or a list",
  ]],
  ["nodes-count-above-limit.yaml", "scenario", [
    "{dir}/nodes-count-above-limit.yaml:10:16: spec.cluster.nodes[0].count: Invalid value: 100000000: must be less than or equal to 50000",
  ]],
  ["seed-too-long.yaml", "scenario", [
    "{dir}/seed-too-long.yaml:7:9: spec.seed: Invalid value: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...: must be no more than 256 characters",
  ]],
  ["traffic-rate-above-limit.yaml", "scenario", [
    "{dir}/traffic-rate-above-limit.yaml:15:13: spec.traffic[0].rate: Invalid value: 5000000: must be less than or equal to 1000000",
  ]],
  ["nodes-total-above-limit.yaml", "scenario", [
    "{dir}/nodes-total-above-limit.yaml:12:16: spec.cluster.nodes[1].count: Invalid value: 25000: the pools have 55000 nodes so far; kubesim simulates at most 50000",
  ]],
  ["resources-too-large.yaml", "scenario", [
    "{dir}/resources-too-large.yaml:23:84: spec.objects[0].spec.template.spec.containers[0].resources.requests[memory]: Invalid value: 1e+30: quantity is too large: kubesim holds at most 9007199254740991 bytes",
    "{dir}/resources-too-large.yaml:23:95: spec.objects[0].spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: 9000000000000000: quantity is too large: kubesim holds at most 9007199254740991 millicores",
  ]],
  ["json-scenario-invalid.json", "scenario", [
    "{dir}/json-scenario-invalid.json:3:76: spec.traffic[0].rate: Invalid value: -1: must be greater than or equal to 0",
  ]],
];

function load(file: string, loader: Case[1]): { ok: boolean; errors: string[] } {
  if (loader === "scenario") {
    const r = loadScenarioSync(file);
    return { ok: r.ok, errors: r.ok ? [] : r.errors.map(formatDiagnostic) };
  }
  const r = validateFileSync(file);
  return { ok: r.ok, errors: r.errors.map(formatDiagnostic) };
}

const READ_AS_MANIFESTS = new Set(["kubernetes-manifest.yaml", "top-level-list.yaml"]);
const outRoot = mkdtempSync(join(tmpdir(), "kubesim-corpus-"));

for (const [file, loader, expected] of CASES) {
  t(`${file} is rejected with its diagnostics, and validate and run exit 2 writing nothing`, async () => {
    const path = `${DIR}/${file}`;
    const start = performance.now();
    const result = load(path, loader);
    const elapsed = performance.now() - start;
    assert.is(result.ok, false);
    const wanted = expected.map((e) => e.replaceAll("{dir}", DIR));
    assert.equal(result.errors, wanted);
    for (const e of result.errors) assert.not.match(e, /\n\s+at /, "no stack traces in diagnostics");
    assert.ok(elapsed < 1000, `${file} took ${elapsed.toFixed(0)} ms`);
    // The same through the commands a user types (validate reads files without kind: Scenario
    // as manifests: a Deployment is valid there, a list is checked item by item).
    if (!READ_AS_MANIFESTS.has(file)) {
      const v = capturingIo();
      assert.is(validateCommand([path], v), 2);
      for (const line of wanted) assert.ok(v.err().includes(line), `validate does not print ${line}`);
    }
    if (loader !== "scenario") return;
    const r = capturingIo();
    const out = join(outRoot, file);
    const options: RunOptions = { command: "run", scenarios: [path], strategies: [], out, force: false, workers: 1, events: "first", json: false, quiet: true, color: false };
    assert.is(await runScenarios(options, r), 2, r.err());
    assert.ok(r.err().includes(wanted[0]), `run does not print ${wanted[0]}`);
    assert.not.ok(existsSync(out), "run wrote a report");
  });
}
t.after(() => rmSync(outRoot, { recursive: true, force: true }));

t("the corpus has at least 40 cases and covers every fixture once", () => {
  assert.ok(CASES.length >= 40);
  assert.is(new Set(CASES.map((c) => c[0])).size, CASES.length);
});

t("a file over 4 MiB is refused before it is parsed", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubesim-scenario-"));
  try {
    const file = join(dir, "huge.yaml");
    writeFileSync(file, `# ${"x".repeat(4 * 1024 * 1024)}\n`);
    const start = performance.now();
    const scenario = loadScenarioSync(file);
    const manifest = validateFileSync(file);
    assert.ok(performance.now() - start < 1000);
    assert.equal(scenario.ok ? [] : scenario.errors.map(formatDiagnostic), [`${file}:1:1: file is too large (4.0 MiB); the limit is 4 MiB`]);
    assert.equal(manifest.errors.map(formatDiagnostic), [`${file}:1:1: file is too large (4.0 MiB); the limit is 4 MiB`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t("a megabyte-long unknown key or kind is refused in well under a second, and the message stays short", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubesim-scenario-"));
  const long = "replicaz".repeat(128 * 1024); // 1 MiB
  const base = readFileSync(`${DIR}/inline-object-invalid.yaml`, "utf8");
  const cases = [
    // An explicit key (`? key`): YAML limits implicit keys to 1024 characters.
    ["key", base.replace("replicas: -2", `? ${long}\n        : 2`), /spec\.objects\[0\]\.spec\.replicaz.*\.\.\.: unknown field "replicazreplicaz.*\.\.\.$/],
    ["kind", base.replace("kind: Deployment", `kind: ${long}`), /spec\.objects\[0\]\.kind: Invalid value: "replicaz.*\.\.\.: no matches for kind "replicaz.*\.\.\. in version "apps\/v1"$/],
  ] as const;
  try {
    for (const [what, text, expected] of cases) {
      const file = join(dir, `${what}.yaml`);
      writeFileSync(file, text);
      mkdirSync(join(dir, "shared"), { recursive: true });
      copyFileSync(`${DIR}/shared/web.yaml`, join(dir, "shared/web.yaml"));
      const start = performance.now();
      const result = loadScenarioSync(file);
      const elapsed = performance.now() - start;
      assert.ok(elapsed < 1000, `${what}: ${elapsed} ms`);
      const messages = result.ok ? [] : result.errors.map(formatDiagnostic);
      assert.is(messages.length, 1, `${what}: ${messages.join("\n").slice(0, 500)}`);
      assert.ok(messages[0].length < 600, `${what}: a message of ${messages[0].length} characters`);
      assert.match(messages[0], expected, messages[0]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t("a missing scenario file and a directory are reported, not thrown", () => {
  const missing = loadScenarioSync(`${DIR}/no-such-scenario.yaml`);
  assert.equal(missing.ok ? [] : missing.errors.map(formatDiagnostic), [`${DIR}/no-such-scenario.yaml:1:1: no such file`]);
  const dir = loadScenarioSync(`${DIR}/shared`);
  assert.equal(dir.ok ? [] : dir.errors.map(formatDiagnostic), [`${DIR}/shared:1:1: is a directory, not a YAML file`]);
});

t.run();
