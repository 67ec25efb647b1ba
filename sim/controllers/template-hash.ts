/**
 * pod-template-hash and template equality (pkg/controller/controller_utils.go `ComputeHash`,
 * deployment_util.go `EqualIgnoreHash`). Upstream hashes the Go struct printed by spew with
 * FNV-32a, appends the collision count, and encodes the decimal of the hash with
 * `rand.SafeEncodeString`. kubesim hashes a canonical JSON of the template instead (the Go
 * printer is not reproducible here), so hashes have the same form and stability but not the
 * same values as a real cluster's.
 */
import { SAFE_ALPHABET } from "./context.ts";
import type { PodTemplate } from "../model/workloads.ts";

export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

/** JSON with object keys sorted, so equal templates print equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value as object).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  const bytes = new TextEncoder().encode(text);
  for (const b of bytes) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet by its code. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** The template without the pod-template-hash label (what EqualIgnoreHash compares). */
export function withoutHashLabel(template: PodTemplate): PodTemplate {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
}

/**
 * canonicalJson(withoutHashLabel(template)) per template object: every Deployment sync compares
 * its template with each of its ReplicaSets'. Templates are never changed in place (a change is
 * a new object, as pod-factory.ts also relies on), so the text of an object never goes stale.
 */
const printedWithoutHash = new WeakMap<PodTemplate, string>();

function printWithoutHash(template: PodTemplate): string {
  let text = printedWithoutHash.get(template);
  if (text === undefined) printedWithoutHash.set(template, (text = canonicalJson(withoutHashLabel(template))));
  return text;
}

export function computeHash(template: PodTemplate, collisionCount = 0): string {
  let text = printWithoutHash(template);
  if (collisionCount > 0) text += `#${collisionCount}`;
  return safeEncodeString(String(fnv32a(text)));
}

export function equalIgnoreHash(a: PodTemplate, b: PodTemplate): boolean {
  return a === b || printWithoutHash(a) === printWithoutHash(b);
}
