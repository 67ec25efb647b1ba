/**
 * Escaping for report.html. Scenario names, descriptions, strategy and workload names and check
 * labels come from the user's scenario file, so every piece of text that reaches the page goes
 * through `escapeHtml`; the page always quotes attributes with `"`, so one function serves text
 * content, attribute values and SVG `<title>` elements alike.
 *
 * Leaves out: escaping for `<script>` or `<style>` contents and for URLs — the page puts no user
 * text in either.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` safe as HTML text or as a double-quoted attribute value: `& < > " '` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
