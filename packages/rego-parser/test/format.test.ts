/** The formatter round-trips: parse(format(m)) equals m apart from locations, over the whole corpus. */
import { describe, expect, it } from 'vitest';
import { format, parse } from '../src/index.js';
import { uniqueCorpusModules } from './support/corpus.js';
import { crossVersion } from './support/corpus-cross.js';
import { stripLocations } from './support/strip.js';

describe('format', () => {
  it('prints a small module in a stable layout', () => {
    const src = 'package  a.b\nimport  rego.v1\n# c\np  contains x   if { some x in [1,2] ; x>1 }\nq := {"k": [1, 2.50]} if not input.x\n';
    const m = parse(src).module!;
    expect(format(m)).toBe(
      'package a.b\n\nimport rego.v1\n\n# c\np contains x if {\n\tsome x in [1, 2]\n\tx > 1\n}\n\nq := {"k": [1, 2.50]} if not input.x\n',
    );
    expect(format(parse(format(m)).module!)).toBe(format(m));
  });

  it('parenthesises only where precedence needs it', () => {
    const cases = [
      'package t\np if {\n\tsome.f & oo == 1\n\tx := (1 + 2) * 3 - (4 - 5)\n\ty := [(a | b), c | d]\n\tz := {(k | j)}\n\tw := [(x + 1) | x := 1]\n\tq := (-x)[0]\n}\n',
      'package t\np if { some x in {}; -2; -x }\n',
      'package t\np if {\n\tx := a in b in c\n\ty := a in (b in c)\n\tf([(k, v in m)])\n\tsome k, v in {1: 2}\n}\n',
    ];
    for (const src of cases) {
      const m = parse(src).module;
      expect(m).toBeDefined();
      const again = parse(format(m!)).module;
      expect(stripLocations(again)).toEqual(stripLocations(m));
    }
    expect(format(parse(cases[0]!).module!)).toContain('x := (1 + 2) * 3 - (4 - 5)');
  });

  // Thousands of modules formatted and re-parsed: ~10 s alone, several times that on a loaded machine.
  it('round-trips every corpus module (both versions)', { timeout: 180_000 }, () => {
    const base = uniqueCorpusModules();
    const failures: string[] = [];
    let n = 0;
    for (const m of [...base, ...crossVersion(base)]) {
      const r = parse(m.source, { regoVersion: m.regoVersion });
      if (!r.module) continue;
      n++;
      const text = format(r.module);
      const again = parse(text, { regoVersion: m.regoVersion });
      if (!again.module) {
        failures.push(`${m.id}: formatted text does not parse: ${again.errors[0]?.message}\n${text}`);
        continue;
      }
      const a = JSON.stringify(stripLocations(r.module));
      const b = JSON.stringify(stripLocations(again.module));
      if (a !== b) failures.push(`${m.id}: AST differs after format\n${text}`);
      else if (format(again.module) !== text) failures.push(`${m.id}: format is not stable`);
    }
    expect(n).toBeGreaterThan(5000);
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
