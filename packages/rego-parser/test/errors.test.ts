import { describe, expect, it } from 'vitest';
import { RegoParseError, formatParseError, parse, parseOrThrow } from '../src/index.js';

const broken = [
  'package x', // 1
  '', // 2
  'p if {', // 3
  '  input.x ==', // 4
  '}', // 5
  '', // 6
  'q := [1, 2', // 7
  '', // 8
  'deny[msg] { msg := "v0" }', // 9
  's := "unterminated', // 10
  't := 1', // 11
  '',
].join('\n');

describe('parse errors', () => {
  it('recovers and reports every error, in order, with code, file:line:col and a caret excerpt', () => {
    const r = parse(broken, { file: 'broken.rego' });
    expect(r.module).toBeUndefined();
    const lines = r.errors.map((e) => e.location.line);
    expect(lines).toContain(5);
    expect(lines).toContain(9);
    expect(lines).toContain(10);
    for (const e of r.errors) {
      expect(e.code).toBe('rego_parse_error');
      expect(e.location.file).toBe('broken.rego');
      const [src, caret] = e.excerpt.split('\n');
      expect(src).toBe(`\t${broken.split('\n')[e.location.line - 1] ?? ''}`);
      expect(caret?.indexOf('^')).toBe(e.location.col);
    }
    expect(r.errors.filter((e) => e.location.line === 9).map((e) => e.message)).toEqual([
      'unexpected identifier token: expected "," or "]"',
      'unexpected identifier token: expected rule value term (e.g., q := <VALUE> { ... })',
      '`if` keyword is required before rule body',
      '`contains` keyword is required for partial set rules',
    ]);
    expect(r.errors.find((e) => e.location.line === 10)?.message).toBe('non-terminated string');
    expect(formatParseError(r.errors[0]!)).toMatch(/^broken\.rego:5:1: rego_parse_error: unexpected } token\n\t}\n\t\^$/);
  });

  it('points at the offending token', () => {
    const r = parse('package x\n\nallow if input.user ==== "x"\n', { file: 'a.rego' });
    expect(r.errors[0]?.location).toMatchObject({ line: 3, col: 23 });
  });

  it('reports lexical problems: bad escapes, numbers, characters', () => {
    expect(parse('package x\np := "\\q"\n').errors[0]?.message).toBe('illegal escape sequence');
    expect(parse('package x\np := 1.\n').errors[0]?.message).toBe('expected fraction');
    expect(parse('package x\np := 12abc\n').errors[0]?.message).toBe('illegal number format');
    expect(parse('package x\np := 1 @ 2\n').errors.length).toBeGreaterThan(0);
  });

  it('keeps errors of backtracked terms (term cache replays them, like OPA)', () => {
    const r = parse('package test\n\np := x if {\n\tnet.cidr_merge(["::/0"]*, x)\n}\n');
    expect(r.errors.map((e) => [e.message, e.location.line, e.location.col])).toEqual([['unexpected , token', 4, 26]]);
  });

  it('returns a typed error (never throws) for a non-string source from untyped callers', () => {
    const r = parse(undefined as unknown as string, { file: 'x.rego' });
    expect(r.module).toBeUndefined();
    expect(r.errors[0]).toMatchObject({ code: 'rego_parse_error', message: 'source must be a string, got undefined' });
  });

  it('reports a missing package and an empty module', () => {
    expect(parse('p := 1\n').errors[0]?.message).toBe('package expected');
    expect(parse('# only a comment\n').errors[0]?.message).toBe('empty module');
  });

  it('parseOrThrow throws a typed RegoParseError carrying every error', () => {
    let caught: unknown;
    try {
      parseOrThrow(broken, { file: 'broken.rego' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RegoParseError);
    expect((caught as RegoParseError).code).toBe('rego_parse_error');
    expect((caught as RegoParseError).errors.length).toBeGreaterThan(2);
  });

  it('enforces v1 rules only in v1 mode or with import rego.v1', () => {
    const v0 = 'package x\np[x] { x := 1 }\n';
    expect(parse(v0, { regoVersion: 'v0' }).errors).toEqual([]);
    expect(parse(v0).errors.map((e) => e.message)).toEqual([
      '`if` keyword is required before rule body',
      '`contains` keyword is required for partial set rules',
    ]);
    expect(parse(`package x\nimport rego.v1\np[x] { x := 1 }\n`, { regoVersion: 'v0' }).errors.length).toBe(2);
  });
});
