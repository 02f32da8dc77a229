/**
 * The one chart of BENCHMARKS.md, drawn as plain SVG (no chart service, no library): p50/p99
 * latency per engine on a log scale, and the two cost curves (input size, policy count) on
 * log-log axes.
 */
import type { BenchResults, CostCurve, EngineKey } from './results.js';

/** Colour of each series in the chart. */
export const SERIES_COLOURS: Readonly<Record<EngineKey | 'opa-inprocess', string>> = {
  native: '#1b9e77',
  wasm: '#d95f02',
  'opa-rest': '#7570b3',
  'opa-inprocess': '#e7298a',
};

const SERIES = ['native', 'wasm', 'opa-rest', 'opa-inprocess'] as const;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** Powers of ten covering [min, max] (both > 0). */
export function decadeTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const ticks: number[] = [];
  for (let p = lo; p <= Math.max(hi, lo + 1); p++) ticks.push(10 ** p);
  return ticks;
}

/** Maps a positive value to a pixel between `from` and `to` on a log axis spanning the ticks. */
function logAxis(ticks: readonly number[], from: number, to: number): (v: number) => number {
  const lo = Math.log10(ticks[0] as number);
  const hi = Math.log10(ticks[ticks.length - 1] as number);
  return (v) => from + ((Math.log10(Math.max(v, ticks[0] as number)) - lo) / (hi - lo || 1)) * (to - from);
}

function label(v: number): string {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return v >= 1 ? String(v) : v.toString();
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function latencyPanel(r: BenchResults, box: Box): string {
  const rows = SERIES.map((key) => {
    const entry = r.engines[key];
    return { key, p50: entry.p50_us, p99: 'p99_us' in entry ? entry.p99_us : undefined };
  }).filter((row) => Number.isFinite(row.p50) && row.p50 > 0);
  const values = rows.flatMap((row) => (row.p99 !== undefined && row.p99 > 0 ? [row.p50, row.p99] : [row.p50]));
  const ticks = decadeTicks(Math.min(...values, 10), Math.max(...values, 100));
  const left = box.x + 90;
  const right = box.x + box.w - 10;
  const top = box.y + 30;
  const bottom = box.y + box.h - 30;
  const x = logAxis(ticks, left, right);
  const out: string[] = [
    `<text x="${num(box.x + box.w / 2)}" y="${box.y + 16}" class="t">decision latency, concurrency 1 (µs, log)</text>`,
  ];
  for (const t of ticks) {
    out.push(`<line x1="${num(x(t))}" y1="${top}" x2="${num(x(t))}" y2="${bottom}" class="g"/>`);
    out.push(`<text x="${num(x(t))}" y="${bottom + 14}" class="a" text-anchor="middle">${label(t)}</text>`);
  }
  const band = (bottom - top) / Math.max(1, rows.length);
  rows.forEach((row, i) => {
    const y = top + i * band + band * 0.2;
    const h = band * 0.6;
    out.push(`<text x="${left - 6}" y="${num(y + h / 2 + 4)}" class="a" text-anchor="end">${esc(row.key)}</text>`);
    out.push(
      `<rect x="${left}" y="${num(y)}" width="${num(x(row.p50) - left)}" height="${num(h)}" fill="${SERIES_COLOURS[row.key]}"><title>${esc(row.key)} p50 ${row.p50} µs</title></rect>`,
    );
    if (row.p99 !== undefined && row.p99 > 0)
      out.push(`<line x1="${num(x(row.p99))}" y1="${num(y)}" x2="${num(x(row.p99))}" y2="${num(y + h)}" stroke="#333" stroke-width="2"/>`);
    out.push(`<text x="${num(x(row.p50) + 4)}" y="${num(y + h / 2 + 4)}" class="a">${row.p50}</text>`);
  });
  out.push(`<text x="${right}" y="${bottom + 26}" class="a" text-anchor="end">bar: p50, tick: p99</text>`);
  return out.join('\n');
}

function curvePanel(curve: CostCurve, title: string, xName: string, box: Box): string {
  const series = SERIES.filter((k) => (curve.p50_us[k]?.length ?? 0) > 0);
  const ys = series.flatMap((k) => (curve.p50_us[k] ?? []).filter((v) => Number.isFinite(v) && v > 0));
  const xs = curve.x.filter((v) => v > 0);
  const out: string[] = [`<text x="${num(box.x + box.w / 2)}" y="${box.y + 16}" class="t">${esc(title)}</text>`];
  if (ys.length === 0 || xs.length === 0)
    return [...out, `<text x="${box.x + 20}" y="${box.y + 60}" class="a">not measured</text>`].join('\n');
  const yTicks = decadeTicks(Math.min(...ys), Math.max(...ys));
  const xTicks = decadeTicks(Math.min(...xs), Math.max(...xs));
  const left = box.x + 50;
  const right = box.x + box.w - 10;
  const top = box.y + 30;
  const bottom = box.y + box.h - 30;
  const x = logAxis(xTicks, left, right);
  const y = logAxis(yTicks, bottom, top);
  for (const t of xTicks) {
    out.push(`<line x1="${num(x(t))}" y1="${top}" x2="${num(x(t))}" y2="${bottom}" class="g"/>`);
    out.push(`<text x="${num(x(t))}" y="${bottom + 14}" class="a" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${left}" y1="${num(y(t))}" x2="${right}" y2="${num(y(t))}" class="g"/>`);
    out.push(`<text x="${left - 4}" y="${num(y(t) + 4)}" class="a" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<text x="${num((left + right) / 2)}" y="${bottom + 26}" class="a" text-anchor="middle">${esc(xName)} (log)</text>`);
  for (const k of series) {
    const pts = curve.x
      .map((xv, i) => ({ xv, yv: curve.p50_us[k]?.[i] ?? Number.NaN }))
      .filter((p) => p.xv > 0 && Number.isFinite(p.yv) && p.yv > 0);
    if (pts.length === 0) continue;
    out.push(
      `<polyline fill="none" stroke="${SERIES_COLOURS[k]}" stroke-width="2" points="${pts.map((p) => `${num(x(p.xv))},${num(y(p.yv))}`).join(' ')}"/>`,
    );
    for (const p of pts)
      out.push(
        `<circle cx="${num(x(p.xv))}" cy="${num(y(p.yv))}" r="3" fill="${SERIES_COLOURS[k]}"><title>${esc(k)} ${p.xv}: ${p.yv} µs</title></circle>`,
      );
  }
  return out.join('\n');
}

/**
 * The chart as an SVG document: three panels (latency per engine; p50 vs pipeline stages;
 * p50 vs rules in one package), log scales, a legend and the run's conditions in the footer.
 */
export function renderChart(r: BenchResults): string {
  const width = 1200;
  const height = 380;
  const panelW = width / 3;
  const legend = SERIES.map(
    (k, i) =>
      `<rect x="${20 + i * 150}" y="${height - 22}" width="12" height="12" fill="${SERIES_COLOURS[k]}"/><text x="${36 + i * 150}" y="${height - 12}" class="a">${esc(k)}</text>`,
  ).join('\n');
  const footer = `${r.quick ? 'quick run' : 'full run'} ${r.generated_at}, ${r.machine.cpus} CPUs, load average ${r.machine.loadavg_start.map((v) => v.toFixed(1)).join(' ')}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    '<style>.t{font-size:13px;font-weight:bold;text-anchor:middle}.a{font-size:11px;fill:#333}.g{stroke:#ddd;stroke-width:1}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    latencyPanel(r, { x: 0, y: 0, w: panelW, h: height - 40 }),
    curvePanel(r.curves.input_size, 'p50 vs input size (µs)', 'pipeline stages', { x: panelW, y: 0, w: panelW, h: height - 40 }),
    curvePanel(r.curves.policy_count, 'p50 vs policy count (µs)', 'rules in one package', {
      x: 2 * panelW,
      y: 0,
      w: panelW,
      h: height - 40,
    }),
    legend,
    `<text x="${width - 10}" y="${height - 12}" class="a" text-anchor="end">${esc(footer)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
