import { percentileOfSorted } from './stats.js';

/** One latency distribution to draw: its samples in ms and how its line looks. */
export interface ChartSeries {
  label: string;
  color: string;
  dashed: boolean;
  samplesMs: readonly number[];
}

const WIDTH = 820;
const HEIGHT = 500;
const PLOT = { left: 70, right: 20, top: 50, bottom: 60 };
const PERCENTILE_TICKS = [0, 50, 90, 99, 99.9];
const MAX_NINES = 3; // up to p99.9

// Percentiles on a "nines" axis: p50, p90, p99, p99.9 are evenly spaced, so the tail gets the room.
const nines = (p: number) => -Math.log10(1 - p / 100);

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function latencyTicks(minMs: number, maxMs: number): number[] {
  const ticks: number[] = [];
  for (let decade = Math.floor(Math.log10(minMs)); decade <= Math.ceil(Math.log10(maxMs)); decade++) {
    for (const step of [1, 2, 5]) {
      const value = step * 10 ** decade;
      if (value >= minMs && value <= maxMs) ticks.push(value);
    }
  }
  return ticks;
}

function tickLabel(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${Number(ms.toPrecision(3))} ms`;
}

/** Percentile lines (x: percentile on a nines scale, y: latency on a log scale) as a standalone SVG. */
export function percentileChartSvg(title: string, subtitle: string, series: readonly ChartSeries[]): string {
  const sortedSeries = series.map((s) => ({ ...s, sorted: [...s.samplesMs].sort((a, b) => a - b) }));
  const fewest = Math.min(...sortedSeries.map((s) => s.sorted.length));
  // Draw no further into the tail than the smallest sample supports (p99.9 needs 1,000 samples).
  const maxX = Math.min(MAX_NINES, Math.log10(Math.max(fewest, 10)));
  const all = sortedSeries.flatMap((s) => [
    s.sorted[0] ?? 1,
    percentileOfSorted(s.sorted, 100 * (1 - 10 ** -maxX)),
  ]);
  const minMs = 10 ** Math.floor(Math.log10(Math.max(Math.min(...all), 0.01)));
  const maxMs = 10 ** Math.ceil(Math.log10(Math.max(...all, minMs * 10)));

  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (n: number) => PLOT.left + (n / maxX) * plotWidth;
  const y = (ms: number) =>
    PLOT.top +
    plotHeight -
    ((Math.log10(Math.max(ms, minMs)) - Math.log10(minMs)) / (Math.log10(maxMs) - Math.log10(minMs))) *
      plotHeight;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<desc>${escapeXml(subtitle)}</desc>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PLOT.left}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${PLOT.left}" y="40" fill="#555">${escapeXml(subtitle)}</text>`,
  );

  for (const ms of latencyTicks(minMs, maxMs)) {
    const major = Number.isInteger(Math.log10(ms));
    parts.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="${major ? '#ccc' : '#eee'}"/>`,
      `<text x="${PLOT.left - 6}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end" fill="#333">${tickLabel(ms)}</text>`,
    );
  }
  for (const p of PERCENTILE_TICKS.filter((t) => nines(t) <= maxX + 1e-9)) {
    const px = x(nines(p)).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${PLOT.top}" y2="${PLOT.top + plotHeight}" stroke="#ddd"/>`,
      `<text x="${px}" y="${PLOT.top + plotHeight + 18}" text-anchor="middle" fill="#333">p${p}</text>`,
    );
  }
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
    `<text x="${PLOT.left + plotWidth / 2}" y="${HEIGHT - 18}" text-anchor="middle">percentile of requests (nines scale)</text>`,
    `<text transform="translate(16 ${PLOT.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">ack latency (log scale)</text>`,
  );

  for (const s of sortedSeries) {
    if (s.sorted.length === 0) continue;
    const points: string[] = [];
    for (let n = 0; n <= maxX + 1e-9; n += maxX / 300) {
      const p = 100 * (1 - 10 ** -n);
      points.push(`${x(n).toFixed(1)},${y(percentileOfSorted(s.sorted, p)).toFixed(1)}`);
    }
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${points.join(' ')}"/>`,
    );
  }

  sortedSeries.forEach((s, i) => {
    const ly = PLOT.top + 16 + i * 18;
    const lx = PLOT.left + 12;
    parts.push(
      `<line x1="${lx}" x2="${lx + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 36}" y="${ly}">${escapeXml(`${s.label} (n=${s.sorted.length})`)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
