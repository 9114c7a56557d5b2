/** One line of the results table: what was measured, against what, and whether the target is met. */
export interface Row {
  what: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: 'yes' | 'no' | '—';
}

/** A markdown table with padded columns (as Biome formats markdown, so the results file stays clean). */
export function markdownTable(rows: readonly Row[]): string {
  const header = ['what', 'ours', 'baseline', 'ratio', 'target', 'met?'];
  const escapePipes = (cell: string) => cell.replace(/\|/g, '\\|');
  const body = rows.map((r) => [r.what, r.ours, r.baseline, r.ratio, r.target, r.met].map(escapePipes));
  const widths = header.map((h, i) => Math.max(3, h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export const met = (ok: boolean): Row['met'] => (ok ? 'yes' : 'no');

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${value.toFixed(1)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export function ratio(ours: number, baseline: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  return `${(ours / baseline).toFixed(2)}×`;
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function factor(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}
