/** Location spans (`end`) and the line table. */
import { describe, expect, it } from 'vitest';
import { LineTable, parse, walk, type Node } from '../src/index.js';
import { uniqueCorpusModules } from './support/corpus.js';

const text = (src: string, n: Node): string => src.slice(n.location.offset, n.location.end);

describe('LineTable', () => {
  it('maps offsets to 1-based line/col and back', () => {
    const t = new LineTable('ab\ncd\n\nef');
    expect(t.lineCount).toBe(4);
    expect(t.position(0)).toEqual({ line: 1, col: 1 });
    expect(t.position(2)).toEqual({ line: 1, col: 3 });
    expect(t.position(3)).toEqual({ line: 2, col: 1 });
    expect(t.position(6)).toEqual({ line: 3, col: 1 });
    expect(t.position(8)).toEqual({ line: 4, col: 2 });
    expect(t.position(99)).toEqual({ line: 4, col: 3 });
    expect(t.offset(4, 2)).toBe(8);
    expect(t.lineText(2)).toBe('cd');
    expect(t.lineText(4)).toBe('ef');
  });
});

describe('location.end', () => {
  const src = `package a.b
import data.x as y
p := [1, [2]] if { count(input.x) > 0; f() == set() }
q contains x if {
  some x in [1]
  x == (1 + 2) * 3
} # tail
s := $"a {input.x} b"
g(x) := z if { z := x with input as {"a": 1} }
`;
  const m = parse(src).module!;

  it('spans each node exactly', () => {
    expect(text(src, m.package)).toBe('package a.b');
    expect(text(src, m.imports[0]!)).toBe('import data.x as y');
    const [p, q, s, g] = m.rules;
    expect(text(src, p!)).toBe('p := [1, [2]] if { count(input.x) > 0; f() == set() }');
    expect(text(src, p!.head)).toBe('p := [1, [2]]');
    expect(text(src, p!.body[0]!)).toBe('count(input.x) > 0');
    expect(text(src, p!.body[1]!)).toBe('f() == set()');
    expect(text(src, q!)).toBe('q contains x if {\n  some x in [1]\n  x == (1 + 2) * 3\n}');
    expect(text(src, q!.body[0]!)).toBe('some x in [1]');
    const eq = q!.body[1]!.terms;
    expect(eq.type === 'call' && text(src, eq.args[1]!)).toBe('(1 + 2) * 3'); // like OPA: parentheses belong to the term
    expect(text(src, s!.head.value!)).toBe('$"a {input.x} b"');
    expect(text(src, g!.body[0]!)).toBe('z := x with input as {"a": 1}');
    expect(text(src, g!.body[0]!.with[0]!)).toBe('with input as {"a": 1}');
    expect(text(src, m.comments[0]!)).toBe('# tail');
  });

  it('starts of parenthesised terms match OPA line/col', () => {
    const eq = m.rules[1]!.body[1]!.terms;
    const rhs = eq.type === 'call' ? eq.args[1]! : undefined;
    expect(rhs?.location).toMatchObject({ line: 6, col: 8 });
  });

  it('over the corpus: spans lie in the source and nest; leaves span their own text', () => {
    let nodes = 0;
    for (const c of uniqueCorpusModules()) {
      const r = parse(c.source, { regoVersion: c.regoVersion });
      if (!r.module) continue;
      walk(r.module, (n, parent) => {
        nodes++;
        const { offset, end } = n.location;
        if (!(offset >= 0 && offset <= end && end <= c.source.length)) throw new Error(`${c.id}: bad span ${offset}-${end} for ${n.type}`);
        if (
          parent &&
          parent.type !== 'module' &&
          n.type !== 'annotation' &&
          (offset < parent.location.offset || end > parent.location.end)
        ) {
          // `else` branches and v0 `p { … } { … }` bodies share the head (or its ref and args) of their first rule.
          const shared = n.type === 'head' || (parent.type === 'head' && [...parent.ref, ...(parent.args ?? [])].some((t) => t === n));
          if (shared) return true;
          throw new Error(
            `${c.id}: ${n.type} ${JSON.stringify(text(c.source, n))} outside ${parent.type} ${JSON.stringify(text(c.source, parent))}`,
          );
        }
        if (n.type === 'number' && parent?.type !== 'call' && !/^\(/.test(text(c.source, n)) && n.value !== '0') {
          if (text(c.source, n) !== n.value) throw new Error(`${c.id}: number ${n.value} spans ${JSON.stringify(text(c.source, n))}`);
        }
      });
    }
    expect(nodes).toBeGreaterThan(100_000);
  }, 180_000);
});
