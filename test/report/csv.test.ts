import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { COMPARISON_COLUMNS, type Column, EVENTS_COLUMNS, type EventRow, SUMMARY_COLUMNS, type SummaryRow } from "../../sim/report/columns.ts";
import { CsvParseError, formatDecimal, parseCsv, parseReportCsv, toCsv } from "../../sim/report/csv.ts";

const t = suite("CSV text: deterministic numbers, RFC 4180 quoting, and a reader for it");

t("number formatting table: up to 6 decimals, no trailing zeros, no exponent, no separators", () => {
  const table: [number | null | undefined, string][] = [
    [120, "120"],
    [1.5, "1.5"],
    [0.000001, "0.000001"],
    [1e-7, "0"],
    [4e-7, "0"],
    [6e-7, "0.000001"],
    [0.1 + 0.2, "0.3"],
    [2 / 3, "0.666667"],
    [0.99931234, "0.999312"],
    [1234567.25, "1234567.25"],
    [1e20, "100000000000000000000"],
    [1e21, "1000000000000000000000"],
    [123456789012, "123456789012"],
    [-0.25, "-0.25"],
    [-0, "0"],
    [-1e-9, "0"],
    [0, "0"],
    [Number.NaN, ""],
    [Number.POSITIVE_INFINITY, ""],
    [null, ""],
    [undefined, ""],
  ];
  for (const [value, text] of table) assert.is(formatDecimal(value), text, `formatDecimal(${value})`);
});

t("integer columns are written whole and refuse fractions", () => {
  const cols: Column[] = [{ name: "n", kind: "integer" }];
  assert.is(toCsv(cols, [{ n: 42 }, { n: -3 }, { n: null }]), "n\n42\n-3\n\n");
  assert.throws(() => toCsv(cols, [{ n: 2.5 }]), /column n: expected an integer, got 2.5/);
});

t("booleans, nulls and properties that are not columns", () => {
  const cols: Column[] = [
    { name: "a", kind: "boolean" },
    { name: "b", kind: "ratio", nullable: true },
    { name: "c", kind: "text" },
  ];
  assert.is(toCsv(cols, [{ a: true, b: null, c: "x", extra: 1 }, { a: false, b: 0.5 }]), "a,b,c\ntrue,,x\nfalse,0.5,\n");
});

t("RFC 4180 quoting of commas, quotes, CR and LF; plain fields stay unquoted", () => {
  const row: EventRow = {
    scenario: "s",
    strategy: "default",
    replication: 0,
    time_s: 1.25,
    kind: "Pod",
    name: "web-7d9f-abcde",
    reason: "Killing",
    message: 'Stopping container "web", reason: "preStop"\nsecond line\rcr',
  };
  const text = toCsv(EVENTS_COLUMNS, [row, { ...row, message: "a,b" }, { ...row, message: " spaced " }]);
  assert.is(
    text,
    'scenario,strategy,replication,time_s,kind,name,reason,message\n' +
      's,default,0,1.25,Pod,web-7d9f-abcde,Killing,"Stopping container ""web"", reason: ""preStop""\nsecond line\rcr"\n' +
      's,default,0,1.25,Pod,web-7d9f-abcde,Killing,"a,b"\n' +
      "s,default,0,1.25,Pod,web-7d9f-abcde,Killing, spaced \n",
  );
});

t("a header-only file for no rows", () => {
  assert.is(toCsv(COMPARISON_COLUMNS, []).split("\n").length, 2);
  assert.ok(toCsv(COMPARISON_COLUMNS, []).startsWith("scenario,strategy,metric,n,mean,"));
});

const summary = (rep: number, availability: number | null): SummaryRow => ({
  scenario: "rolling-update",
  strategy: "default",
  replication: rep,
  seed: "42",
  duration_s: 600,
  requests_total: 120000,
  requests_ok: 119917,
  requests_failed: 80,
  requests_timeout: 3,
  availability,
  reachability: 0.99950123456,
  unreachable_s: 0,
  rollout_duration_s: null,
  min_available_replicas: 8,
  max_surge_pods: 3,
  pods_created: 10,
  pods_deleted: 10,
  events_processed: 123456,
  wall_ms: 12.5,
});

t("identical rows give byte-identical text", () => {
  const rows = [summary(0, 0.9993083333), summary(1, null)];
  const a = toCsv(SUMMARY_COLUMNS, rows);
  const b = toCsv(SUMMARY_COLUMNS, structuredClone(rows));
  assert.is(a, b);
  assert.is(a.split("\n")[1], "rolling-update,default,0,42,600,120000,119917,80,3,0.999308,0.999501,0,,8,3,10,10,123456,12.5");
});

t("parseCsv reads quoted fields, doubled quotes, CRLF, a BOM and a missing final newline", () => {
  assert.equal(parseCsv('\ufeffa,b\r\n"x,1","say ""hi"""\r\n"multi\nline",\n\nlast,row'), [
    ["a", "b"],
    ["x,1", 'say "hi"'],
    ["multi\nline", ""],
    ["last", "row"],
  ]);
});

t("parseCsv refuses an unterminated quote and a stray quote, naming source and line", () => {
  assert.throws(() => parseCsv('a\n"open', "base.csv"), (e: unknown) => e instanceof CsvParseError && /base\.csv:2: unterminated/.test(e.message));
  assert.throws(() => parseCsv('a\nb"c', "base.csv"), /base\.csv:2: a double quote inside an unquoted field/);
  assert.throws(() => parseCsv('"a"b', "base.csv"), /after a closing quote/);
});

t("parseReportCsv checks the header against the declared columns", () => {
  const cols: Column[] = [
    { name: "x", kind: "text" },
    { name: "y", kind: "text" },
  ];
  assert.equal(parseReportCsv(cols, "x,y,z\n1,2,3\n"), [{ x: "1", y: "2", z: "3" }]);
  assert.throws(() => parseReportCsv(cols, "y,x\n1,2\n", "f.csv"), /f\.csv:1: column 1 is "y", expected "x"/);
  assert.throws(() => parseReportCsv(cols, "x,y\n1\n", "f.csv"), /record 1 has 1 fields/);
});

t("property: any text fields survive toCsv → parseCsv unchanged", () => {
  const cols: Column[] = [
    { name: "a", kind: "text" },
    { name: "b", kind: "text" },
  ];
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ unit: "grapheme-ascii" }), fc.string()), { minLength: 1, maxLength: 8 }), (pairs) => {
      // A record whose only field is empty reads back as a blank line; keep one field non-empty.
      const rows = pairs.map(([a, b]) => ({ a: `k${a}`, b }));
      const back = parseCsv(toCsv(cols, rows));
      assert.equal(back, [["a", "b"], ...rows.map((r) => [r.a, r.b])]);
    }),
  );
});

t.run();
