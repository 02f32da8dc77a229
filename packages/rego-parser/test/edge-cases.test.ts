/**
 * Hand-written edge cases (test/fixtures/edge-cases.txt), each after `package t` in v0 and
 * v1 mode: the accept/reject verdict must equal the real `opa parse`, and so must the
 * rule names/kinds; accepted ones must round-trip through the formatter.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { format, parse } from '../src/index.js';
import type { CorpusModule } from './support/corpus.js';
import { opaVerdicts } from './support/opa-oracle.js';
import { stripLocations } from './support/strip.js';

const snippets = readFileSync(new URL('./fixtures/edge-cases.txt', import.meta.url), 'utf8')
  .split('\n===\n')
  .slice(1)
  .map((s) => s.replace(/\n$/, ''));

const modules: CorpusModule[] = snippets.flatMap((s, i) =>
  (['v0', 'v1'] as const).map((regoVersion) => {
    const source = `package t\n\n${s}\n`;
    return {
      id: `edge#${i}@${regoVersion}`,
      regoVersion,
      source,
      hash: createHash('sha256').update(`${regoVersion}\0${source}`).digest('hex'),
    };
  }),
);

describe('edge cases vs opa parse', () => {
  it('agree on verdicts and rules; accepted ones round-trip', async () => {
    expect(snippets.length).toBeGreaterThan(150);
    const verdicts = await opaVerdicts(modules);
    const wrong: string[] = [];
    for (const m of modules) {
      const o = verdicts.get(m.hash);
      if (!o) continue;
      const r = parse(m.source, { regoVersion: m.regoVersion });
      const ok = r.errors.length === 0;
      if (ok !== o.ok) {
        wrong.push(
          `${m.id} ${JSON.stringify(m.source)}: ours=${ok ? 'accept' : r.errors[0]?.message} opa=${o.ok ? 'accept' : o.error?.replace(/\s+/g, ' ').slice(0, 160)}`,
        );
        continue;
      }
      if (r.module && o.rules) {
        const a = r.module.rules.map((x) => `${x.name}/${x.kind}/${x.default}`).join(',');
        const b = o.rules.map((x) => `${x.name}/${x.kind}/${x.default}`).join(',');
        if (a !== b) wrong.push(`${m.id} ${JSON.stringify(m.source)}: rules ours=${a} opa=${b}`);
      }
      if (r.module) {
        const again = parse(format(r.module), { regoVersion: m.regoVersion }).module;
        if (JSON.stringify(stripLocations(again)) !== JSON.stringify(stripLocations(r.module)))
          wrong.push(`${m.id}: format round trip\n${format(r.module)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
