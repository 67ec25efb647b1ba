/**
 * CSV text for the report tables (SPEC §4): a header row, RFC 4180 quoting (a field holding a comma,
 * a double quote, CR or LF is quoted, quotes doubled), `.` as the decimal point, no thousands
 * separators, no exponent notation, and byte-identical text for identical rows on any machine.
 *
 * Numbers are formatted here, not by csv-stringify, so that the rules are ours and exact:
 * - decimal kinds (`seconds`, `ratio`, `number`) are rounded to 6 decimals (microseconds for times;
 *   for ratios 1e-6 is finer than one request in the largest runs we expect) with trailing zeros
 *   dropped: `1.5`, `0.000001`, `120`. Rounding is `Number.prototype.toFixed`, which ECMAScript
 *   defines exactly (nearest, ties away from zero on the binary value), so it does not vary by
 *   platform. `-0` and values that round to zero are written `0`.
 * - `integer` columns take whole numbers only; a fraction is a bug upstream and throws.
 * - null, undefined, NaN and ±Infinity are written as an empty field.
 *
 * Records end with `\n` (LF), also after the last one: RFC 4180 asks for CRLF, but LF is what git,
 * diff and every CSV reader in use handle, and a byte-for-byte stable choice is what matters here.
 *
 * Also a small RFC 4180 reader (`parseCsv`) for reading a committed baseline report back, since
 * csv-parse is not a dependency. Leaves out: CSV-injection escaping (`=`-prefixed cells): the report
 * is data for tools; escaping would change the values.
 */
import { stringify } from "csv-stringify/sync";
import type { Column, ColumnKind } from "./columns.ts";

/** Decimal places of the decimal kinds. */
export const DECIMALS = 6;

/**
 * A number as a report writes it: at most `decimals` decimals, trailing zeros dropped, never an
 * exponent; empty for null, undefined, NaN and ±Infinity.
 *
 * | value      | text        |
 * |------------|-------------|
 * | 120        | `120`       |
 * | 1.5        | `1.5`       |
 * | 1e-6       | `0.000001`  |
 * | 4e-7       | `0`         |
 * | 1234567.25 | `1234567.25`|
 * | -0.25      | `-0.25`     |
 */
export function formatDecimal(value: number | null | undefined, decimals = DECIMALS): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "";
  // Most report numbers are counts and whole seconds: String gives toFixed's digits for them
  // (no exponent below 2^53, and "0" for -0) without the rounding and trimming.
  if (Number.isSafeInteger(value)) return String(value);
  // toFixed switches to exponent notation from 1e21 on; such a double is a whole number anyway.
  if (Math.abs(value) >= 1e21) return BigInt(value).toString();
  const text = value.toFixed(decimals);
  if (decimals === 0) return text === "-0" ? "0" : text;
  // Drop trailing zeros, then a trailing point.
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  const trimmed = end === text.length ? text : text.slice(0, end);
  return trimmed === "-0" ? "0" : trimmed;
}

/** A value rounded as the report writes it, so that what is compared is what is printed. */
export function roundAsWritten(value: number, decimals = DECIMALS): number {
  return Number(formatDecimal(value, decimals));
}

/** One cell; `column` names the column in errors. */
export function formatCell(kind: ColumnKind, value: unknown, column = "?"): string {
  if (value === null || value === undefined) return "";
  switch (kind) {
    case "text":
      return String(value);
    case "boolean":
      if (typeof value !== "boolean") throw new TypeError(`column ${column}: expected a boolean, got ${String(value)}`);
      return value ? "true" : "false";
    case "integer":
      if (typeof value !== "number") throw new TypeError(`column ${column}: expected an integer, got ${String(value)}`);
      if (Number.isNaN(value)) return "";
      if (!Number.isInteger(value)) throw new TypeError(`column ${column}: expected an integer, got ${value}`);
      return formatDecimal(value, 0);
    case "seconds":
    case "ratio":
    case "number":
      if (typeof value !== "number") throw new TypeError(`column ${column}: expected a number, got ${String(value)}`);
      return formatDecimal(value);
  }
}

/**
 * The CSV text of `rows` under `columns`: the header, then one record per row in the given order,
 * each cell formatted by its column's kind. Properties of a row that are not columns are ignored.
 */
export function toCsv(columns: readonly Column[], rows: Iterable<object>): string {
  const names = columns.map((c) => c.name);
  const n = names.length;
  const parts: string[] = [];
  // Record arrays are refilled chunk after chunk: a 400,000-row table leaves no array per row.
  const chunk: string[][] = [names.slice()];
  let size = 1;
  for (const row of rows) {
    if (size === CHUNK_RECORDS) {
      parts.push(stringify(chunk, OPTIONS));
      size = 0;
    }
    let cells = chunk[size];
    if (cells === undefined) chunk.push((cells = new Array<string>(n)));
    const record = row as Record<string, unknown>;
    for (let i = 0; i < n; i++) cells[i] = formatCell(columns[i].kind, record[names[i]], names[i]);
    size++;
  }
  chunk.length = size;
  parts.push(stringify(chunk, OPTIONS));
  return parts.join("");
}

const OPTIONS = { quote_record_delimiter: true, eof: true } as const;

/**
 * Records per stringify call. stringify keeps each record's text, built by concatenation, until
 * it joins them at the end; over a whole 400,000-row table those texts outlive the young
 * generation and the collector copies them (seconds of the 30 MB timeseries.csv went to that).
 * A few hundred at a time are joined while young: 128 to 512 measured about twice as fast as
 * 4,096. Every record ends with LF, so the parts joined are the text of one call over all records.
 */
const CHUNK_RECORDS = 256;

/** A CSV text that does not parse; the message names the source and line. */
export class CsvParseError extends Error {
  override name = "CsvParseError";
}

/**
 * Parses RFC 4180 text into records of strings: quoted fields with doubled quotes and embedded
 * CR/LF, records separated by LF, CRLF or CR, an optional BOM and final newline. Empty lines are
 * skipped. `source` names the file in errors.
 */
export function parseCsv(text: string, source = "<csv>"): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let atFieldStart = true;
  const endRecord = () => {
    record.push(field);
    if (!(record.length === 1 && record[0] === "")) records.push(record);
    record = [];
    field = "";
    atFieldStart = true;
  };
  while (i < text.length) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvParseError(`${source}:${startLine}: unterminated quoted field`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CsvParseError(`${source}:${line}: unexpected character ${JSON.stringify(next)} after a closing quote`);
      }
      atFieldStart = false;
      continue;
    }
    if (ch === ",") {
      record.push(field);
      field = "";
      atFieldStart = true;
      i++;
    } else if (ch === "\n" || ch === "\r") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      if (ch === '"') throw new CsvParseError(`${source}:${line}: a double quote inside an unquoted field`);
      field += ch;
      atFieldStart = false;
      i++;
    }
  }
  if (!atFieldStart || record.length > 0) endRecord();
  return records;
}

/**
 * Reads a report table back as objects keyed by header name, after checking that the header starts
 * with `columns` in order (extra trailing columns, added by later versions, are kept as text).
 */
export function parseReportCsv(columns: readonly Column[], text: string, source = "<csv>"): Record<string, string>[] {
  const [header, ...records] = parseCsv(text, source);
  if (!header) throw new CsvParseError(`${source}: empty file, expected a header row`);
  columns.forEach((c, i) => {
    if (header[i] !== c.name) {
      throw new CsvParseError(
        `${source}:1: column ${i + 1} is ${header[i] === undefined ? "missing" : JSON.stringify(header[i])}, expected ${JSON.stringify(c.name)}`,
      );
    }
  });
  return records.map((record, r) => {
    if (record.length !== header.length) {
      throw new CsvParseError(`${source}: record ${r + 1} has ${record.length} fields, the header has ${header.length}`);
    }
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      row[name] = record[i];
    });
    return row;
  });
}

/** A numeric cell read back: empty → null; anything else must be a plain decimal number. */
export function parseNumberCell(text: string, where: string): number | null {
  if (text === "") return null;
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new CsvParseError(`${where}: expected a number, got ${JSON.stringify(text)}`);
  return Number(text);
}
