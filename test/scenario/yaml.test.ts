// Safe YAML: plain values with positions, YAML 1.2 core scalars, merge keys, and every hazard
// turned into a positioned diagnostic; arbitrary input never throws.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { formatDiagnostic, locate, validateFileSync } from "../../sim/scenario/index.ts";
import { decodeYamlBytes, parseYaml, YAML_LIMITS } from "../../sim/scenario/yaml.ts";

const t = suite("scenario: yaml");

function one(text: string): unknown {
  const parsed = parseYaml(text, "f.yaml");
  assert.equal(parsed.errors.map(formatDiagnostic), []);
  return parsed.documents[0]?.value;
}

function errors(text: string): string[] {
  return parseYaml(text, "f.yaml").errors.map(formatDiagnostic);
}

t("YAML 1.2 core scalars: yes/no/on/off stay strings, numbers and null are typed", () => {
  assert.equal(one("a: yes\nb: no\nc: on\nd: off\ne: true\nf: 010\ng: 0x1F\nh: 1.5\ni: ~\nj: '5'\nk: 1_000\n"), {
    a: "yes",
    b: "no",
    c: "on",
    d: "off",
    e: true,
    f: 10,
    g: 31,
    h: 1.5,
    i: null,
    j: "5",
    k: "1_000",
  });
});

t("positions after a syntax error in an earlier document stay on the right line (fuzz case 29651)", () => {
  // yaml's own LineCounter lost a line after the over-indented ones here and said 4:24 for line 5.
  const text = "          ports:\napiVersion: apps/v1\n            failureThreshold: 3\n---\n  name: !!js/undefined ''\n";
  assert.equal(errors(text).at(-1), `f.yaml:5:24: name: unsupported YAML tag "!!js/undefined"`);
});

t("a %YAML 1.1 directive does not bring back 1.1 booleans", () => {
  assert.equal(one("%YAML 1.1\n---\na: yes\n"), { a: "yes" });
});

t("positions of keys and values are recorded, through aliases too", () => {
  const value = one("spec:\n  traffic:\n    - service: web\n      rate: &r 5\n  other: *r\n");
  assert.equal(locate(value, ["spec", "traffic", 0, "rate"]), { file: "f.yaml", line: 4, column: 16 });
  assert.equal(locate(value, ["spec", "traffic", 0, "rate"], { key: true }), { file: "f.yaml", line: 4, column: 7 });
  assert.equal(locate(value, ["spec", "traffic", 0]), { file: "f.yaml", line: 3, column: 7 });
  assert.equal(locate(value, ["spec", "other"]), { file: "f.yaml", line: 5, column: 10 });
  // A missing field answers with its nearest parent.
  assert.equal(locate(value, ["spec", "traffic", 0, "timeout"]), { file: "f.yaml", line: 3, column: 7 });
});

t("aliases expand to independent copies", () => {
  const value = one("a: &x {k: 1}\nb: *x\n") as { a: object; b: object };
  assert.equal(value.a, value.b);
  assert.is.not(value.a, value.b);
});

t("merge keys: explicit keys win, earlier merged mappings win over later ones", () => {
  assert.equal(one("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 0\n"), {
    a: { x: 1, y: 1 },
    b: { y: 2, z: 2 },
    c: { x: 0, y: 1, z: 2 },
  });
  // A quoted "<<" is an ordinary key.
  assert.equal(one("'<<': 1\n"), { "<<": 1 });
});

t("hazards are positioned errors", () => {
  assert.equal(errors("a: 1\nb:\n  c: 2\n  c: 3\n"), ['f.yaml:4:3: b.c: duplicate field "c" (first defined at line 3)']);
  assert.equal(errors("a: &x [*x]\n"), ["f.yaml:1:8: a[0]: alias *x refers to a node that contains it (a cycle)"]);
  assert.equal(errors("a: *nothing\n"), ["f.yaml:1:4: a: alias *nothing has no anchor &nothing defined before it"]);
  assert.equal(errors("a: !!binary aGk=\n"), ['f.yaml:1:13: a: unsupported YAML tag "!!binary"']);
  assert.equal(errors("? [a, b]\n: 1\n"), ["f.yaml:1:3: mapping keys must be strings, not mappings, lists or aliases"]);
  assert.equal(errors("~: 1\n"), ["f.yaml:1:1: mapping key is empty (null); keys must be strings"]);
  assert.equal(errors("n: 9007199254740993\n"), [
    "f.yaml:1:4: n: Invalid value: 9007199254740993: integer is too large to be held exactly (above 2^53-1); quote it if it is text",
  ]);
  assert.equal(errors("labels:\n  app.kubernetes.io/name: a\n  app.kubernetes.io/name: b\n"), [
    'f.yaml:3:3: labels[app.kubernetes.io/name]: duplicate field "app.kubernetes.io/name" (first defined at line 2)',
  ]);
});

t("nesting beyond the limit is refused, in flow and in block style, quickly", () => {
  const depth = YAML_LIMITS.maxDepth + 1;
  const start = performance.now();
  assert.equal(errors(`${"[".repeat(depth)}${"]".repeat(depth)}\n`), [`f.yaml:1:${depth}: nesting is deeper than 64 levels`]);
  assert.equal(errors(`${"- ".repeat(depth)}x\n`), [`f.yaml:1:${2 * depth - 1}: nesting is deeper than 64 levels`]);
  let block = "";
  for (let i = 0; i < depth; i++) block += `${" ".repeat(i)}k:\n`;
  assert.equal(errors(block), [`f.yaml:${depth}:${depth}: ${Array(64).fill("k").join(".")}: nesting is deeper than 64 levels`]);
  // Pathological input far past the limit is refused by the pre-scan without parsing it.
  assert.equal(errors(`${"[".repeat(1_000_000)}\n`), ["f.yaml:1:65: nesting is deeper than 64 levels"]);
  assert.ok(performance.now() - start < 1000);
});

t("brackets in quoted and plain scalars, block scalars and comments do not count as nesting", () => {
  const brackets = "[".repeat(100);
  assert.equal(one(`a: "${brackets}"\nb: '${brackets}'\n# ${brackets}\nc: x${brackets}\nd: |\n  ${brackets}\n  ${brackets}\ne: [1]\n`), {
    a: brackets,
    b: brackets,
    c: `x${brackets}`,
    d: `${brackets}\n${brackets}\n`,
    e: [1],
  });
});

t("alias expansion beyond 10 000 nodes is refused at the alias", () => {
  let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (const [name, prev] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"]]) {
    text += `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
  }
  const start = performance.now();
  assert.equal(errors(text), [
    "f.yaml:4:36: aliases expand to more than 10000 nodes (an alias bomb?); write the values out or use fewer aliases",
  ]);
  assert.ok(performance.now() - start < 1000);
});

t("bytes: BOM, UTF-16, NUL and invalid UTF-8", () => {
  const enc = new TextEncoder();
  assert.equal(decodeYamlBytes(enc.encode("\uFEFFa: 1\n"), "f.yaml"), { text: "a: 1\n" });
  assert.equal(one("\uFEFFa: 1\n"), { a: 1 });
  const error = (bytes: Uint8Array) => {
    const r = decodeYamlBytes(bytes, "f.yaml");
    return "error" in r ? formatDiagnostic(r.error) : r.text;
  };
  assert.is(error(new Uint8Array([0xff, 0xfe, 0x61, 0x00])), "f.yaml:1:1: file is UTF-16 encoded; save it as UTF-8");
  assert.is(error(enc.encode("a: 1\nb: \u0000\n")), "f.yaml:2:4: file is binary (it contains a NUL byte), not YAML text");
  assert.is(error(new Uint8Array([0x61, 0x3a, 0x20, 0xc3, 0xa9, 0x0a, 0x62, 0xc0, 0xaf])), "f.yaml:2:2: file is not valid UTF-8 (byte 0xc0); save it as UTF-8");
  assert.is(error(new Uint8Array([0xed, 0xa0, 0x80])), "f.yaml:1:1: file is not valid UTF-8 (byte 0xed); save it as UTF-8");
  assert.is(error(new Uint8Array([])), "f.yaml:1:1: file is empty");
});

t("arbitrary text never throws and every diagnostic has a position", () => {
  const alphabet = fc.constantFrom(..."ab:- []{},&*!|>'\"#%@`~?\n\t 0123.e+<".split(""));
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 120 }), (chars) => {
      const parsed = parseYaml(chars.join(""), "f.yaml");
      for (const d of [...parsed.errors, ...parsed.warnings]) {
        assert.ok(d.line >= 1 && d.column >= 1);
        assert.not.match(d.message, /\n\s+at /);
      }
    }),
    { numRuns: 500, seed: 42 },
  );
});

t("arbitrary manifest-ish documents never throw through validation", () => {
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.constantFrom(null, true, "yes", 0, -1, 1.5, "25%", "web", "apps/v1", "Deployment", "Service", "StatefulSet"),
      fc.array(tie("node"), { maxLength: 3 }),
      fc.dictionary(
        fc.constantFrom("apiVersion", "kind", "metadata", "name", "spec", "replicas", "selector", "template", "containers", "ports", "strategy", "$patch", "matchLabels"),
        tie("node"),
        { maxKeys: 4 },
      ),
    ),
  })).node;
  const dir = mkdtempSync(join(tmpdir(), "kubesim-fuzz-"));
  const file = join(dir, "m.yaml");
  fc.assert(
    fc.property(value, (v) => {
      writeFileSync(file, JSON.stringify(v));
      const result = validateFileSync(file);
      for (const d of result.errors) assert.not.match(d.message, /internal error/);
    }),
    { numRuns: 300, seed: 7 },
  );
  rmSync(dir, { recursive: true, force: true });
});

t.run();
