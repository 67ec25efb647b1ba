/**
 * The summary table `kubesim run` prints to stdout (SPEC §1): per strategy, the headline metrics
 * (availability, reachability, rollout duration, min available replicas, lost requests) as means
 * with 95 % confidence intervals, and for every strategy after the baseline the paired difference
 * to it. Built from comparison rows, so the table and comparison.csv cannot disagree.
 *
 *     rolling-update: 30 replications per strategy, mean [95 % CI]; Δ = paired difference to default
 *
 *     default (baseline)
 *       availability           0.99931  [0.99902, 0.99960]
 *       rollout duration (s)     84.20  [80.10, 88.30]
 *     surge-all
 *       availability           0.99990  [0.99983, 0.99997]  Δ +0.00059  [+0.00041, +0.00077]
 *
 * Plain text unless `color` is set (the caller decides from NO_COLOR / FORCE_COLOR / TTY); with
 * colour, strategy names are bold and a delta whose whole interval lies on the better (worse) side
 * is green (red). Alignment is computed on the plain text, so colour never shifts a column.
 *
 * Leaves out: terminal width detection (the table is narrow enough for 80 columns with short
 * strategy names) and the other comparison metrics (they are in comparison.csv).
 */
import { type Better, type ComparisonRow, REQUESTS_LOST, metricDirection } from "./columns.ts";

/** One metric line of the table. */
export interface SummaryTableMetric {
  /** The comparison.csv metric name. */
  readonly metric: string;
  /** What the reader sees, with the unit. */
  readonly label: string;
  /** Decimals shown. */
  readonly decimals: number;
}

/** SPEC §1's headline metrics, in the order they are printed. */
export const SUMMARY_TABLE_METRICS: readonly SummaryTableMetric[] = [
  { metric: "availability", label: "availability", decimals: 5 },
  { metric: "reachability", label: "reachability", decimals: 5 },
  { metric: "rollout_duration_s", label: "rollout duration (s)", decimals: 2 },
  { metric: "min_available_replicas", label: "min available", decimals: 1 },
  { metric: REQUESTS_LOST, label: "lost requests", decimals: 1 },
];

export interface SummaryTableOptions {
  /** ANSI colour and bold; default false (plain text). */
  readonly color?: boolean;
  /** The metric lines; default SUMMARY_TABLE_METRICS. */
  readonly metrics?: readonly SummaryTableMetric[];
}

// --- text helpers shared with checks.ts ----------------------------------------------------------

/** The text styles the report uses. */
export type Style = "bold" | "red" | "green" | "yellow" | "dim";

const ANSI: Record<Style, [string, string]> = {
  bold: ["\x1b[1m", "\x1b[22m"],
  red: ["\x1b[31m", "\x1b[39m"],
  green: ["\x1b[32m", "\x1b[39m"],
  yellow: ["\x1b[33m", "\x1b[39m"],
  dim: ["\x1b[2m", "\x1b[22m"],
};

/** `text` in `style` when colour is on, unchanged otherwise. */
export function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || !style || text === "") return text;
  const [open, close] = ANSI[style];
  return open + text + close;
}

/** A table cell: its plain text, how to align it, and an optional style applied after padding. */
export interface Cell {
  readonly text: string;
  readonly align?: "left" | "right";
  readonly style?: Style;
}

/**
 * Lines of aligned columns separated by two spaces; trailing spaces trimmed. Widths come from the
 * plain text, so styled and unstyled output line up the same. A row may be shorter than others.
 */
export function alignColumns(rows: readonly (readonly (Cell | string)[])[], color = false): string[] {
  const cells = rows.map((row) => row.map((c) => (typeof c === "string" ? { text: c } : c)));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c.text].length);
    });
  }
  return cells.map((row) =>
    row
      .map((c, i) => {
        const pad = " ".repeat(widths[i] - [...c.text].length);
        const styled = paint(c.text, c.style, color);
        return c.align === "right" ? pad + styled : styled + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** A number with a fixed number of decimals, `-` when missing; `signed` adds `+` to positives. */
export function formatFixed(value: number | null, decimals: number, signed = false): string {
  if (value === null || !Number.isFinite(value)) return "-";
  let text = value.toFixed(decimals);
  const zero = /^-?0\.?0*$/.test(text);
  if (zero && text.startsWith("-")) text = text.slice(1);
  return signed && !zero && !text.startsWith("-") ? `+${text}` : text;
}

function interval(low: number | null, high: number | null, decimals: number, signed = false): string {
  if (low === null || high === null) return "";
  return `[${formatFixed(low, decimals, signed)}, ${formatFixed(high, decimals, signed)}]`;
}

/** Green when the whole interval is on the better side of zero, red when on the worse side. */
function deltaStyle(better: Better, low: number | null, high: number | null): Style | undefined {
  if (better === "none" || low === null || high === null) return undefined;
  const sign = low > 0 ? 1 : high < 0 ? -1 : 0;
  if (sign === 0) return undefined;
  return (sign > 0) === (better === "higher") ? "green" : "red";
}

/** The stdout summary table of comparison rows, one block per scenario; ends with a newline. */
export function formatSummaryTable(rows: readonly ComparisonRow[], options: SummaryTableOptions = {}): string {
  const color = options.color ?? false;
  const metrics = options.metrics ?? SUMMARY_TABLE_METRICS;
  const scenarios = new Map<string, ComparisonRow[]>();
  for (const row of rows) {
    const list = scenarios.get(row.scenario);
    if (list) list.push(row);
    else scenarios.set(row.scenario, [row]);
  }
  const blocks: string[] = [];
  for (const [scenario, scenarioRows] of scenarios) {
    const baseline = scenarioRows[0].baseline;
    const strategies = [...new Set(scenarioRows.map((r) => r.strategy))];
    // Replications per strategy: the largest n of any metric (counts are never missing).
    const replications = Math.max(...scenarioRows.map((r) => r.n));
    const title =
      `${scenario}: ${replications} replication${replications === 1 ? "" : "s"} per strategy, mean [95 % CI]` +
      (strategies.length > 1 ? `; Δ = paired difference to ${baseline}` : "");
    const grid: (Cell | string)[][] = [];
    // Strategy headings sit between grid rows: index → headings printed before that row.
    const headingsAt = new Map<number, string[]>();
    for (const strategy of strategies) {
      const heading = strategy === baseline ? `${strategy} (baseline)` : strategy;
      headingsAt.set(grid.length, [...(headingsAt.get(grid.length) ?? []), heading]);
      for (const m of metrics) {
        const row = scenarioRows.find((r) => r.strategy === strategy && r.metric === m.metric);
        if (!row) continue;
        const cells: (Cell | string)[] = [
          `  ${m.label}`,
          { text: formatFixed(row.mean, m.decimals), align: "right" },
          interval(row.ci95_low, row.ci95_high, m.decimals),
        ];
        if (strategy !== baseline) {
          cells.push(
            { text: row.delta_mean === null ? "" : `Δ ${formatFixed(row.delta_mean, m.decimals, true)}` },
            {
              text: interval(row.delta_ci95_low, row.delta_ci95_high, m.decimals, true),
              style: deltaStyle(metricDirection(m.metric), row.delta_ci95_low, row.delta_ci95_high),
            },
          );
        } else {
          cells.push("", "");
        }
        if (row.n < replications) cells.push({ text: `n=${row.n} of ${replications}`, style: "dim" });
        grid.push(cells);
      }
    }
    const lines = alignColumns(grid, color);
    const out = [title, ""];
    for (let i = 0; i <= lines.length; i++) {
      for (const heading of headingsAt.get(i) ?? []) out.push(paint(heading, "bold", color));
      if (i < lines.length) out.push(lines[i]);
    }
    blocks.push(out.join("\n"));
  }
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}
