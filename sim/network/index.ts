/**
 * The network side of a replication: EndpointSlices, kube-proxy on every node, cluster DNS and
 * client caches, traffic and reachability. A runner builds one `NetworkModel(world.ctx, options)`
 * per World (after `bootstrap` for a steady start, or before creating objects for an empty one)
 * and reads `results(end)` when the run is over.
 */
export { type DnsOptions, type DnsQuery, parseDnsName } from "./dns.ts";
export { type Endpoint, type EndpointSlice, EndpointSliceController, type ServiceSlices } from "./endpointslice.ts";
export { KubeProxy, type KubeProxyOptions, type ServiceSnapshot } from "./kube-proxy.ts";
export {
  DEFAULT_SERVICE_TIME,
  NetworkModel,
  type NetworkOptions,
  type ServiceTrafficResult,
  type TrafficBin,
  type TrafficEntry,
} from "./traffic.ts";
