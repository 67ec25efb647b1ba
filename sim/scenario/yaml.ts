/**
 * Safe YAML: file bytes → plain JSON values with positions (see source.ts), rejecting cleanly
 * what would otherwise crash, hang or be silently misread.
 *
 * Checked here, each with a positioned message: empty files, files over 4 MiB, binary files (NUL
 * bytes), UTF-16 files, invalid UTF-8, syntax errors, duplicate keys, aliases without an anchor,
 * self-referencing aliases (cycles), alias expansion bombs (more than 10 000 nodes created through
 * aliases), nesting deeper than 64 levels, YAML tags outside the core schema (`!!binary`, `!Ref`),
 * non-string mapping keys, and integers too large to be held exactly.
 *
 * YAML 1.2 core schema throughout, whatever a `%YAML` directive says: `yes`, `on`, `no` and `off`
 * are strings, as in every YAML 1.2 parser; the validators explain the YAML 1.1 habit when a
 * boolean field receives one. Merge keys (`<<: *defaults`) are honoured as Kubernetes' YAML
 * reader (go-yaml) honours them. Left out: `!!set`, `!!omap`, `!!timestamp` and other 1.1 types.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { type Diagnostic, type FieldPath, formatPath, formatValue, mapKey, type PathSegment } from "./diagnostics.ts";
import { getSource, type NodeSource, type SourcePos, setSource } from "./source.ts";

/** Limits that keep hostile or mistaken input from exhausting memory or time. */
export const YAML_LIMITS = {
  /** Largest file read, in bytes (Kubernetes objects are capped at 1.5 MiB by etcd). */
  maxFileBytes: 4 * 1024 * 1024,
  /** Deepest nesting of mappings and sequences. */
  maxDepth: 64,
  /** Most nodes that alias expansion may create in one document (a billion-laughs guard). */
  maxAliasNodes: 10_000,
} as const;

/** One YAML document of a file: its plain value and where it starts. */
export interface YamlDocument {
  readonly value: unknown;
  readonly pos: SourcePos;
  /** 0-based index among the file's documents (empty ones included). */
  readonly index: number;
}

export interface ParsedYaml {
  readonly documents: YamlDocument[];
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
}

function at(file: string, line: number, column: number, message: string, path = ""): Diagnostic {
  return { file, line, column, path, message };
}

// ---------------------------------------------------------------------------------------------
// Bytes → text.

function lineColumnOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Columns count characters: continuation bytes (10xxxxxx) do not start one.
  let column = 1;
  for (let i = lineStart; i < offset; i++) if ((bytes[i] & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The file's text, or the reason it is not YAML text: too large, empty, UTF-16, binary, or not
 * UTF-8. A UTF-8 byte-order mark is dropped.
 */
export function decodeYamlBytes(bytes: Uint8Array, file: string): { text: string } | { error: Diagnostic } {
  const limit = YAML_LIMITS.maxFileBytes;
  if (bytes.length > limit) {
    const mib = (bytes.length / 1024 / 1024).toFixed(1);
    return { error: at(file, 1, 1, `file is too large (${mib} MiB); the limit is ${limit / 1024 / 1024} MiB`) };
  }
  if (bytes.length === 0) return { error: at(file, 1, 1, "file is empty") };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { error: at(file, 1, 1, "file is UTF-16 encoded; save it as UTF-8") };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = lineColumnOfByte(bytes, nul);
    return { error: at(file, line, column, "file is binary (it contains a NUL byte), not YAML text") };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    const offset = Math.max(0, firstInvalidUtf8(bytes));
    const { line, column } = lineColumnOfByte(bytes, offset);
    const hex = (bytes[offset] ?? 0).toString(16).padStart(2, "0");
    return { error: at(file, line, column, `file is not valid UTF-8 (byte 0x${hex}); save it as UTF-8`) };
  }
}

// ---------------------------------------------------------------------------------------------
// A pre-scan for nesting the YAML parser would recurse into for seconds: deep flow collections
// (`[[[[…`) and long compact sequence chains (`- - - - …`). It counts brackets outside comments
// and quoted scalars, so it can only under-count the real depth; the converter enforces the
// exact limit.

function prescanNesting(text: string, limit: number): number {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let lineStart = true;
  let chain = 0;
  /** Inside a plain scalar of block context, which may hold any bracket. */
  let plain = false;
  /** Skipping the lines of a block scalar (`|`, `>`) indented deeper than this. */
  let blockIndent = -1;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if (c === "\n") {
      lineStart = true;
      chain = 0;
      plain = false;
      indent = 0;
      continue;
    }
    if (lineStart && blockIndent >= 0) {
      // A block scalar's content: skip lines indented deeper than its parent, and blank lines.
      let j = i;
      while (j < text.length && text[j] === " ") j++;
      if (j - i > blockIndent || text[j] === "\n" || j === text.length) {
        while (i + 1 < text.length && text[i + 1] !== "\n") i++;
        continue;
      }
      blockIndent = -1;
    }
    const prev = i === 0 ? "\n" : text[i - 1];
    const tokenStart = prev === " " || prev === "\t" || prev === "\n" || prev === "[" || prev === "{" || prev === ",";
    if (c === "#" && tokenStart) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
      continue;
    }
    if (plain) {
      const next = text[i + 1];
      if (c === ":" && (next === " " || next === "\n" || next === undefined)) plain = false;
      continue;
    }
    if ((c === '"' || c === "'") && (tokenStart || prev === ":")) {
      quote = c;
      lineStart = false;
      continue;
    }
    if (lineStart) {
      if (c === " ") {
        indent++;
        continue;
      }
      if (c === "\t") continue;
      const next = text[i + 1];
      if ((c === "-" || c === "?" || c === ":") && (next === " " || next === "\n" || next === undefined)) {
        if (++chain > limit) return i;
        continue;
      }
      lineStart = false;
    }
    if (c === "[" || c === "{") {
      if (++depth + chain > limit) return i;
    } else if ((c === "]" || c === "}") && depth > 0) {
      depth--;
    } else if (depth === 0 && (c === "|" || c === ">") && tokenStart) {
      blockIndent = indent;
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (depth === 0 && tokenStart && !" \t,:-?&*!%@`".includes(c)) {
      plain = true;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// YAML nodes → plain values with positions.

const CORE_TAGS = new Set([
  "tag:yaml.org,2002:str",
  "tag:yaml.org,2002:int",
  "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:bool",
  "tag:yaml.org,2002:null",
  "tag:yaml.org,2002:map",
  "tag:yaml.org,2002:seq",
]);

class AliasBudgetExceeded extends Error {}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Field-like keys are written `.key` in paths, other keys (`app.kubernetes.io/name`) `[key]`. */
function keySegment(key: string): PathSegment {
  return IDENTIFIER.test(key) ? key : mapKey(key);
}

class Converter {
  readonly errors: Diagnostic[] = [];
  readonly #file: string;
  readonly #lines: LineCounter;
  readonly #anchors = new Map<string, Node>();
  readonly #active = new Set<Node>();
  #aliasDepth = 0;
  #aliasNodes = 0;
  /** The outermost alias being expanded: where an alias bomb is reported. */
  #aliasRoot: Alias | undefined;
  #depthReported = false;

  constructor(file: string, lines: LineCounter) {
    this.#file = file;
    this.#lines = lines;
  }

  pos(offset: number | undefined): SourcePos {
    const { line, col } = this.#lines.linePos(offset ?? 0);
    return { file: this.#file, line, column: col };
  }

  #error(offset: number | undefined, path: FieldPath, message: string): void {
    const { line, column } = this.pos(offset);
    this.errors.push(at(this.#file, line, column, message, formatPath(path)));
  }

  convert(node: Node | Pair | null | undefined, path: PathSegment[], depth: number): unknown {
    if (node === null || node === undefined) return null;
    if (isPair(node)) {
      // `[a: 1]`: a single-pair mapping inside a flow sequence.
      return this.#convertPairs([node], node.key as Node, path, depth);
    }
    if (isAlias(node)) return this.#convertAlias(node, path, depth);
    if (this.#aliasDepth === 0 && node.anchor) this.#anchors.set(node.anchor, node);
    if (this.#aliasDepth > 0 && ++this.#aliasNodes > YAML_LIMITS.maxAliasNodes) throw new AliasBudgetExceeded();
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      this.#error(node.range?.[0], path, `unsupported YAML tag ${formatValue(shortTag(node.tag))}`);
      return null;
    }
    if (isScalar(node)) return this.#convertScalar(node, path);
    if (depth >= YAML_LIMITS.maxDepth) {
      if (!this.#depthReported) {
        this.#depthReported = true;
        this.#error(node.range?.[0], path, `nesting is deeper than ${YAML_LIMITS.maxDepth} levels`);
      }
      return null;
    }
    this.#active.add(node);
    try {
      if (isMap(node)) return this.#convertPairs((node as YAMLMap).items as Pair[], node, path, depth + 1);
      if (isSeq(node)) return this.#convertSeq(node as YAMLSeq, path, depth + 1);
    } finally {
      this.#active.delete(node);
    }
    return null;
  }

  #convertAlias(alias: Alias, path: PathSegment[], depth: number): unknown {
    const target = this.#anchors.get(alias.source);
    if (target === undefined) {
      this.#error(alias.range?.[0], path, `alias *${alias.source} has no anchor &${alias.source} defined before it`);
      return null;
    }
    if (this.#active.has(target)) {
      this.#error(alias.range?.[0], path, `alias *${alias.source} refers to a node that contains it (a cycle)`);
      return null;
    }
    if (this.#aliasDepth === 0) this.#aliasRoot = alias;
    this.#aliasDepth++;
    try {
      return this.convert(target, path, depth);
    } finally {
      this.#aliasDepth--;
    }
  }

  #convertScalar(node: Scalar, path: FieldPath): unknown {
    const value = node.value;
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      const source = (node as Scalar.Parsed).source ?? String(value);
      if (/^[-+]?(0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)$/.test(source)) {
        this.#error(
          node.range?.[0],
          path,
          `Invalid value: ${source}: integer is too large to be held exactly (above 2^53-1); quote it if it is text`,
        );
        return null;
      }
    }
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      return value;
    }
    this.#error(node.range?.[0], path, "unsupported YAML value (only strings, numbers, booleans and null)");
    return null;
  }

  #convertSeq(node: YAMLSeq, path: PathSegment[], depth: number): unknown[] {
    const out: unknown[] = [];
    const entries: NodeSource["entries"] = new Map();
    node.items.forEach((item, index) => {
      const itemNode = item as Node | Pair | null;
      out.push(this.convert(itemNode, [...path, index], depth));
      const offset = isPair(itemNode) ? (itemNode.key as Node | null)?.range?.[0] : itemNode?.range?.[0];
      entries.set(index, { value: this.pos(offset ?? node.range?.[0]) });
    });
    setSource(out, { pos: this.pos(node.range?.[0]), entries });
    return out;
  }

  #convertPairs(pairs: readonly Pair[], start: Node | null, path: PathSegment[], depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const entries: NodeSource["entries"] = new Map();
    // Merged mappings are converted where they are written (so anchors resolve in document
    // order) and applied afterwards: explicit keys win, and among merged mappings the earlier
    // one wins (YAML 1.1 merge, as go-yaml does it).
    const merged: Record<string, unknown>[] = [];
    for (const pair of pairs) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.value === "<<" && keyNode.type === "PLAIN") {
        const valueNode = pair.value as Node | null;
        const sources = isSeq(valueNode) ? (valueNode.items as Node[]) : [valueNode];
        for (const source of sources) {
          const value = this.convert(source, path, depth - 1);
          if (typeof value === "object" && value !== null && !Array.isArray(value)) merged.push(value as Record<string, unknown>);
          else if (value !== null) this.#error(source?.range?.[0], path, "a merge key (<<) must refer to a mapping or a list of mappings");
        }
        continue;
      }
      const key = this.#key(keyNode, path);
      if (key === undefined) continue;
      if (key === "__proto__") {
        // No Kubernetes or scenario field has this name (and it is not a valid label or annotation
        // key); assigning it would set the object's prototype and drop the value silently.
        this.#error(keyNode?.range?.[0], [...path, keySegment(key)], 'unknown field "__proto__"');
        continue;
      }
      const keyPos = this.pos(keyNode?.range?.[0]);
      const previous = entries.get(key);
      if (previous !== undefined) {
        this.#error(
          keyNode?.range?.[0],
          [...path, keySegment(key)],
          `duplicate field ${formatValue(key)} (first defined at line ${previous.key?.line})`,
        );
        continue;
      }
      const valueNode = pair.value as Node | null;
      out[key] = this.convert(valueNode, [...path, keySegment(key)], depth);
      entries.set(key, { key: keyPos, value: valueNode?.range ? this.pos(valueNode.range[0]) : keyPos });
    }
    for (const source of merged) {
      const from = getSource(source)?.entries;
      for (const [k, v] of Object.entries(source)) {
        if (Object.hasOwn(out, k)) continue;
        out[k] = v;
        const entry = from?.get(k);
        if (entry) entries.set(k, entry);
      }
    }
    setSource(out, { pos: this.pos(start?.range?.[0]), entries });
    return out;
  }

  #key(keyNode: Node | null, path: FieldPath): string | undefined {
    if (isScalar(keyNode)) {
      const v = keyNode.value;
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      this.#error(keyNode.range?.[0], path, "mapping key is empty (null); keys must be strings");
      return undefined;
    }
    const offset = keyNode?.range?.[0];
    this.#error(offset, path, "mapping keys must be strings, not mappings, lists or aliases");
    return undefined;
  }

  /** Converts one document, turning an alias bomb into a positioned error. */
  document(doc: Document.Parsed): unknown {
    try {
      return this.convert(doc.contents as Node | null, [], 0);
    } catch (error) {
      if (!(error instanceof AliasBudgetExceeded)) throw error;
      const { line, column } = this.pos(this.#aliasRoot?.range?.[0] ?? doc.contents?.range?.[0]);
      this.errors.push(
        at(
          this.#file,
          line,
          column,
          `aliases expand to more than ${YAML_LIMITS.maxAliasNodes} nodes (an alias bomb?); write the values out or use fewer aliases`,
        ),
      );
      return null;
    }
  }
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** Parser error codes rewritten in plainer words; the rest keep yaml's own message. */
function parserMessage(code: string, message: string): string {
  if (/Maximum call stack/.test(message)) return `nesting is deeper than ${YAML_LIMITS.maxDepth} levels`;
  if (code === "TAB_AS_INDENT") return "tabs are not allowed as indentation in YAML; indent with spaces";
  return message.replace(/ at line \d+, column \d+.*$/s, "");
}

/**
 * Parses YAML text into documents of plain values with recorded positions. Any error in a
 * document (syntax or hazard) leaves that document out, so validation never sees half a value.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  // Line starts from the text itself: the parser's own LineCounter misses lines after some
  // syntax errors (an over-indented line opening a document shifted later positions by two).
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);

  const tooDeep = prescanNesting(text, YAML_LIMITS.maxDepth);
  if (tooDeep >= 0) {
    const { line, col } = lines.linePos(tooDeep);
    errors.push(at(file, line, col, `nesting is deeper than ${YAML_LIMITS.maxDepth} levels`));
    return { documents, errors, warnings };
  }

  const parsed = parseAllDocuments(text, {
    schema: "core",
    version: "1.2",
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    merge: false,
  });
  // An empty stream is an empty array (yaml types it as EmptyStream).
  const docs: Document.Parsed[] = [...parsed];
  docs.forEach((doc, index) => {
    // Duplicate keys and unresolved tags are reported by the converter, with the field path.
    // After the first syntax error the parser's recovery reports mostly echoes of it.
    const syntax = doc.errors.filter((e) => e.code !== "DUPLICATE_KEY").slice(0, 1);
    for (const e of syntax) {
      const { line, col } = lines.linePos(e.pos[0]);
      errors.push(at(file, line, col, parserMessage(e.code, e.message)));
    }
    for (const w of doc.warnings) {
      if (w.code === "TAG_RESOLVE_FAILED") continue;
      const { line, col } = lines.linePos(w.pos[0]);
      warnings.push(at(file, line, col, parserMessage(w.code, w.message)));
    }
    if (syntax.length > 0) return;
    const converter = new Converter(file, lines);
    const value = converter.document(doc);
    if (converter.errors.length > 0) {
      errors.push(...converter.errors);
      return;
    }
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    documents.push({ value, pos: converter.pos(start), index });
  });
  return { documents, errors, warnings };
}

