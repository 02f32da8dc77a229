/** The walker (after OPA's visit.go): order, skipping, typed helpers. */
import { describe, expect, it } from 'vitest';
import {
  children,
  parse,
  walk,
  walkBeforeAndAfter,
  walkBodies,
  walkCalls,
  walkClosures,
  walkExprs,
  walkRefs,
  walkRules,
  walkTerms,
  walkVars,
  walkWiths,
  type Node,
} from '../src/index.js';

const SRC = `package t
p := [x | some x in input.xs; x > 1] if { count(input.a) == 2 }
q contains y if { y := {k | k := data.k[_]} with input as {"a": 1} }
f(a) := b if { b := a + 1 } else := 0
`;
const m = parse(SRC).module!;

describe('walk', () => {
  it('visits every node once, in pre-order with parents', () => {
    const seen: string[] = [];
    let nodes = 0;
    walk(m, (n, parent) => {
      nodes++;
      if (n.type !== 'module') expect(parent && children(parent)).toContain(n);
      if (n.type === 'rule') seen.push(n.name);
    });
    expect(seen).toEqual(['p', 'q', 'f', 'f']);
    expect(nodes).toBeGreaterThan(60);
  });

  it('does not descend when the visitor returns true', () => {
    const types: string[] = [];
    walk(m, (n) => {
      types.push(n.type);
      return n.type === 'rule';
    });
    expect(types.filter((t) => t === 'rule')).toHaveLength(3);
    expect(types).not.toContain('head');
  });

  it('walkBeforeAndAfter calls after in post-order', () => {
    const order: string[] = [];
    walkBeforeAndAfter(
      m.rules[0]!.head,
      () => undefined,
      (n) => order.push(n.type),
    );
    expect(order.at(-1)).toBe('head');
    expect(order.indexOf('arraycomprehension')).toBeGreaterThan(order.indexOf('some'));
  });
});

describe('typed walkers', () => {
  it('walkVars sees ref heads, wildcards and comprehension vars', () => {
    const vars: string[] = [];
    walkVars(m.rules[1]!, (v) => void vars.push(v.name));
    expect(vars).toEqual(expect.arrayContaining(['q', 'y', 'k', 'data', '_', 'input']));
  });

  it('walkRefs, walkCalls, walkClosures, walkWiths, walkExprs, walkRules, walkBodies', () => {
    const refs: string[] = [];
    walkRefs(
      m.rules[0]!,
      (r) => void refs.push(r.value.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?')).join('.')),
    );
    expect(refs).toEqual(expect.arrayContaining(['input.xs', 'count', 'input.a', 'equal', 'gt', 'internal.member_2']));
    const calls: string[] = [];
    walkCalls(m, (c) => void calls.push(c.infix ?? 'call'));
    expect(calls).toEqual(expect.arrayContaining(['in', '>', '==', ':=', '+', 'call']));
    const closures: string[] = [];
    walkClosures(m, (c) => void closures.push(c.type));
    expect(closures).toEqual(['arraycomprehension', 'setcomprehension']);
    let withs = 0;
    walkWiths(m, () => void withs++);
    expect(withs).toBe(1);
    let exprs = 0;
    walkExprs(m, () => void exprs++);
    expect(exprs).toBe(7); // 1 + 2 in p, 1 + 1 in q, 1 in f, the generated `true` of the else
    const rules: Node[] = [];
    walkRules(m, (r) => void rules.push(r));
    expect(rules).toHaveLength(4);
    const bodies: number[] = [];
    walkBodies(m, (b) => void bodies.push(b.length));
    expect(bodies).toEqual([1, 2, 1, 1, 1, 1]);
  });

  it('walkTerms skips a subtree when told to', () => {
    const all: string[] = [];
    walkTerms(m.rules[0]!, (t) => {
      all.push(t.type);
      return t.type === 'arraycomprehension';
    });
    expect(all).toContain('arraycomprehension');
    expect(all.filter((t) => t === 'number')).toHaveLength(1); // the `2`; the `1` of `x > 1` is inside the comprehension
    expect(all.filter((t) => t === 'call')).toHaveLength(2); // count(...) and ==
  });
});
