// Test helper: reads into plain JSON objects without casts at every step.

/** A JSON value whose every property and index is another Json (tests only; no runtime checks). */
export type Json = { readonly [key: string]: Json } & { readonly [index: number]: Json } & { readonly length: number };

export function json(value: unknown): Json {
  return value as Json;
}
