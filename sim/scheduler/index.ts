/**
 * kube-scheduler's default profile as a pure library: filters, scores, one scheduling cycle and
 * queue backoff. The caller drives it with its own clock, queue and cluster state.
 */
export * from "./filters.ts";
export * from "./invariant.ts";
export * from "./labels.ts";
export * from "./node-table.ts";
export * from "./pod-index.ts";
export * from "./queue.ts";
export * from "./schedule.ts";
export * from "./scores.ts";
export * from "./topology-spread.ts";
export * from "./types.ts";
