import { describe, expect, it } from 'vitest';
import { logLogSlope, percentile, ratio, summarize, weightedMedian } from '../src/index.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it('gives the nearest-rank values of 1..100', () => {
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });
  it('works on one value and refuses an empty sample or a bad rank', () => {
    expect(percentile([7], 0.99)).toBe(7);
    expect(() => percentile([], 0.5)).toThrow(RangeError);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
  it('summarize sorts a copy and reports p50, p99, mean, min, max', () => {
    const sample = [5, 1, 4, 2, 3];
    expect(summarize(sample)).toEqual({ n: 5, p50: 3, p99: 5, mean: 3, min: 1, max: 5 });
    expect(sample).toEqual([5, 1, 4, 2, 3]);
  });
});

describe('weightedMedian', () => {
  it('counts each value as many times as its weight', () => {
    expect(
      weightedMedian([
        { value: 10, weight: 1 },
        { value: 20, weight: 1 },
        { value: 30, weight: 1 },
      ]),
    ).toBe(20);
    expect(
      weightedMedian([
        { value: 10, weight: 16 },
        { value: 50, weight: 4 },
        { value: 90, weight: 4 },
      ]),
    ).toBe(10);
    expect(() => weightedMedian([{ value: 1, weight: 0 }])).toThrow(RangeError);
  });
});

describe('ratio and logLogSlope', () => {
  it('ratio is null without both sides', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 2)).toBeNull();
  });
  it('a linear curve has slope 1, a quadratic one 2, a flat one 0', () => {
    const xs = [10, 100, 1000];
    expect(logLogSlope(xs.map((x) => ({ x, y: 3 * x })))).toBeCloseTo(1, 10);
    expect(logLogSlope(xs.map((x) => ({ x, y: x * x })))).toBeCloseTo(2, 10);
    expect(logLogSlope(xs.map((x) => ({ x, y: 5 })))).toBeCloseTo(0, 10);
    expect(logLogSlope([{ x: 1, y: 1 }])).toBeNull();
  });
});
