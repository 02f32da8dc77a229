/**
 * fmt keeps comments with their code: trailing comments stay on their line, leading ones
 * before their statement or expression. Expected texts are what the real `opa fmt` prints.
 */
import { describe, expect, it } from 'vitest';
import { runOpa } from '@policy-engine/opa';
import { format, parse } from '../src/index.js';
import { stripLocations } from './support/strip.js';

/** Modules whose layout our formatter and `opa fmt` share, so the whole text must agree. */
const SAME_AS_OPA = [
  // Trailing comments on the package, import, rule and expression lines; leading comments.
  `# leading of package
package p # trailing pkg

import rego.v1 # trailing import

# leading of a
a := 1 # trailing a

b if {
	# leading of first expr
	x := 1 # trailing x
	y := 2
	# before closing
} # after rule b

c contains x if {
	some x in [1, 2] # t
}

# final comment
`,
  // Opening-brace comments, every bodies, a body on one line, a function.
  `package q

# METADATA
# title: r
r := 1 if { # opening
	input.x # tx
}

f(x) := y if {
	every k in x { # every open
		# inner lead
		k > 1 # inner trailing
		# inner closing
	} # after every
	y := 1
}

s if input.a # one-line body
`,
  // v0 style written as v1, several rules in a row with comments between.
  `package r

# one
p := 1

# two
# two and a half
q := 2 # q

# three

t := 3
`,
];

async function opaFmt(source: string): Promise<string> {
  const r = await runOpa(['fmt'], { stdin: source });
  if (r.code !== 0) throw new Error(`opa fmt failed: ${r.stderr}`);
  return r.stdout;
}

function formatted(source: string): string {
  const m = parse(source).module;
  if (!m) throw new Error('does not parse');
  return format(m);
}

describe('format keeps comments with their code', () => {
  it.each(SAME_AS_OPA.map((s, i) => [i, s] as const))('module %i: as opa fmt prints it', async (_i, source) => {
    const ours = formatted(source);
    expect(ours).toBe(await opaFmt(source));
    // And it is our own fixed point.
    expect(formatted(ours)).toBe(ours);
  });

  it('a trailing comment no longer moves to the next rule', () => {
    const out = formatted('package p\n\na := 1 # about a\nb := 2\n');
    expect(out).toBe('package p\n\na := 1 # about a\n\nb := 2\n');
  });

  it('a comment inside code printed on one line goes right before its expression, in order', () => {
    const src =
      'package p\n\nb if {\n\tx := 1 # tx\n\ty := {\n\t\t"k": 1, # inside\n\t\t"j": 2,\n\t}\n\tz := [w | # comp\n\t\tsome w in y\n\t]\n}\n';
    const out = formatted(src);
    expect(out).toBe('package p\n\nb if {\n\tx := 1 # tx\n\t# inside\n\ty := {"k": 1, "j": 2}\n\t# comp\n\tz := [w | some w in y]\n}\n');
    const a = parse(src).module;
    const b = parse(out).module;
    expect(stripLocations(b?.rules)).toEqual(stripLocations(a?.rules));
    expect(b?.comments.map((c) => c.text)).toEqual(a?.comments.map((c) => c.text));
  });

  it('comments around else branches keep their order', () => {
    const src = 'package p\n\nf(x) := 1 if {\n\tx > 1 # big\n} # after first\nelse := 2 # in else head\nif {\n\tx < 0 # small\n}\n';
    const out = formatted(src);
    expect(parse(out).module?.comments.map((c) => c.text)).toEqual([' big', ' after first', ' in else head', ' small']);
    expect(out).toContain('\tx > 1 # big\n');
    expect(out).toContain('\tx < 0 # small\n');
    expect(formatted(out)).toBe(out);
  });

  it('a line starting with a minus continues the expression above (as OPA parses it): the comment between goes above it', () => {
    const src = 'package p\n\nq if {\n\tx := 1 # one\n\t-1 # minus\n}\n';
    const out = formatted(src);
    expect(out).toBe('package p\n\nq if {\n\t# one\n\tx := 1 - 1 # minus\n}\n');
    expect(stripLocations(parse(out).module?.rules)).toEqual(stripLocations(parse(src).module?.rules));
  });
});
