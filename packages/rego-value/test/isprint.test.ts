import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goCanBackquote, goIsPrint, goQuote, sprintf } from '../src/index.js';

const hasGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('goIsPrint (tables generated from Go strconv/isprint.go)', () => {
  it('knows printable, unassigned, format and private-use code points', () => {
    expect(goIsPrint(0x41)).toBe(true);
    expect(goIsPrint(0xad)).toBe(false); // soft hyphen
    expect(goIsPrint(0x378)).toBe(false); // unassigned
    expect(goIsPrint(0x2028)).toBe(false);
    expect(goIsPrint(0xfeff)).toBe(false);
    expect(goIsPrint(0xe000)).toBe(false); // private use
    expect(goIsPrint(0x1f600)).toBe(true);
    expect(goIsPrint(0x10ffff)).toBe(false);
    expect(goIsPrint(0x3000)).toBe(false); // ideographic space: a space, not graphic-printable
  });

  it('quotes as strconv.Quote, QuoteRune, QuoteToASCII', () => {
    expect(goQuote('a\u0378b\u00e9')).toBe('"a\\u0378bé"');
    expect(goQuote("it's", "'")).toBe("'it\\'s'");
    expect(goQuote('é\u{1f600}', '"', true)).toBe('"\\u00e9\\U0001f600"');
    expect(goQuote('\x07\x00\x7f')).toBe('"\\a\\x00\\x7f"');
    expect(sprintf('%q %+q %#q %#q', ['\u0378', 'é', 'a`b', 'ab'])).toBe('"\\u0378" "\\u00e9" "a`b" `ab`');
    expect(goCanBackquote('a\tb')).toBe(true);
    expect(goCanBackquote('a\u{feff}')).toBe(false);
  });

  // Every code point against Go's own strconv.IsPrint (needs the Go toolchain, as the generator does).
  it.skipIf(!hasGo)(
    'agrees with Go strconv.IsPrint on every code point',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'isprint-'));
      try {
        writeFileSync(
          join(dir, 'main.go'),
          'package main\nimport ("fmt";"strconv")\nfunc main(){for r:=rune(0);r<=0x10ffff;r++{if strconv.IsPrint(r){fmt.Printf("%x\\n",r)}}}\n',
        );
        const out = execFileSync('go', ['run', 'main.go'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
        const want = new Set(
          out
            .split('\n')
            .filter(Boolean)
            .map((h) => Number.parseInt(h, 16)),
        );
        const diffs: number[] = [];
        for (let r = 0; r <= 0x10ffff; r++) if (goIsPrint(r) !== want.has(r)) diffs.push(r);
        expect(diffs).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
