import { describe, expect, it } from 'vitest';
import { SERIES_COLOURS, decadeTicks, renderChart } from '../src/index.js';
import { sampleResults } from './sample.js';

describe('SVG chart', () => {
  const svg = renderChart(sampleResults());
  it('is one well-formed svg document with balanced elements', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const tag of ['text', 'rect', 'title', 'circle']) {
      const open = svg.match(new RegExp(`<${tag}[ >]`, 'g'))?.length ?? 0;
      const selfClosed = svg.match(new RegExp(`<${tag}[^>]*/>`, 'g'))?.length ?? 0;
      const closed = svg.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect(open - selfClosed).toBe(closed);
    }
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });
  it('draws a bar per engine on a log axis: 10× the latency is one decade further', () => {
    const width = (name: string): number =>
      Number(new RegExp(`<rect x="[\\d.]+" y="[\\d.]+" width="([\\d.]+)"[^>]*><title>${name} p50`).exec(svg)?.[1]);
    const native = width('native'); // 20 µs
    const wasm = width('wasm'); // 200 µs
    const rest = width('opa-rest'); // 800 µs
    expect(wasm).toBeGreaterThan(native);
    expect(rest).toBeGreaterThan(wasm);
    // decades of 10..1000 µs over the same pixels: log10(800/200) / log10(200/20) of a decade
    expect((rest - wasm) / (wasm - native)).toBeCloseTo(Math.log10(4), 1);
  });
  it('draws one polyline per measured curve in its colour, and says when a curve is missing', () => {
    expect(svg.match(/<polyline/g)).toHaveLength(4); // input size: 3 series, policy count: 1
    expect(svg).toContain(`stroke="${SERIES_COLOURS['opa-inprocess']}"`);
    const empty = renderChart({ ...sampleResults(), curves: { input_size: { x: [1], p50_us: {} }, policy_count: { x: [1], p50_us: {} } } });
    expect(empty.match(/not measured/g)).toHaveLength(2);
  });
  it('decade ticks cover the range', () => {
    expect(decadeTicks(20, 800)).toEqual([10, 100, 1000]);
    expect(decadeTicks(5, 5)).toEqual([1, 10]);
  });
});
