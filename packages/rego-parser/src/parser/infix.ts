import type { CallTerm, RefTerm, StringTerm, Term } from '../ast.js';
import type { Location } from '../location.js';
import type { ParserState } from './state.js';
import { parseTerm, scanAheadRef } from './terms.js';

/** Operator token → OPA built-in name. */
export const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '>': 'gt',
  '<=': 'lte',
  '>=': 'gte',
  '|': 'or',
  '&': 'and',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '=': 'eq',
  ':=': 'assign',
};

/** A ref term naming an operator (`plus`, `internal.member_2`, …). */
export function opRef(name: string, loc: Location): RefTerm {
  const [head, ...rest] = name.split('.');
  return {
    type: 'ref',
    value: [
      { type: 'var', name: head ?? name, location: loc },
      ...rest.map((r): StringTerm => ({ type: 'string', value: r, location: loc })),
    ],
    location: loc,
  };
}

function infixCall(op: string, name: string, args: Term[], loc: Location, opLoc: Location): CallTerm {
  return { type: 'call', operator: opRef(name, opLoc), args, infix: op, location: loc };
}

/** OPA's parseTermOp: consumes one of `ops` and returns it, or undefined. */
function termOp(p: ParserState, ops: readonly string[]): { op: string; loc: Location } | undefined {
  const k = p.tok();
  if (ops.includes(k)) {
    const loc = p.loc();
    p.scan();
    return { op: k, loc };
  }
  return undefined;
}

/** Top of the infix chain, with `x, y in z` allowed. */
export function parseTermInfixCall(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseTermIn(p, undefined, true);
  } finally {
    p.leave();
  }
}
/** Infix chain inside lists (no `k, v in xs`). */
export function parseTermInfixCallInList(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    return parseTermIn(p, undefined, false);
  } finally {
    p.leave();
  }
}

function parseTermIn(p: ParserState, lhs: Term | undefined, keyVal: boolean): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    lhs ??= parseTermRelation(p, undefined);
    if (!lhs) return undefined;
    if (keyVal && p.tok() === ',') {
      const s = p.save();
      p.scan();
      const mhs = parseTermRelation(p, undefined);
      if (mhs) {
        const op = termOp(p, ['in']);
        if (op) {
          const rhs = parseTermRelation(p, undefined);
          if (rhs) {
            const call = infixCall('in', 'internal.member_3', [lhs, mhs, rhs], lhs.location, op.loc);
            return p.tok() === 'in' ? parseTermIn(p, call, keyVal) : call;
          }
        }
      }
      p.restore(s);
    }
    scanAheadRef(p);
    const op = termOp(p, ['in']);
    if (op) {
      const rhs = parseTermRelation(p, undefined);
      if (rhs) {
        const call = infixCall('in', 'internal.member_2', [lhs, rhs], lhs.location, op.loc);
        return p.tok() === 'in' ? parseTermIn(p, call, keyVal) : call;
      }
    }
    return lhs;
  } finally {
    p.leave();
  }
}

type Level = (p: ParserState, lhs: Term | undefined) => Term | undefined;

function binaryLevel(ops: readonly string[], next: Level, self: () => Level, returnLhsOnFail: boolean): Level {
  return (p, lhs) => {
    if (!p.enter()) return undefined;
    try {
      lhs ??= next(p, undefined);
      if (!lhs) return undefined;
      const op = termOp(p, ops);
      if (op) {
        const rhs = next(p, undefined);
        if (rhs) {
          const call = infixCall(op.op, OPERATOR_NAMES[op.op] ?? op.op, [lhs, rhs], lhs.location, op.loc);
          return ops.includes(p.tok()) ? self()(p, call) : call;
        }
        if (!returnLhsOnFail) return lhs;
      }
      return lhs;
    } finally {
      p.leave();
    }
  };
}

const parseTermFactor: Level = binaryLevel(
  ['*', '/', '%'],
  (p) => parseTerm(p),
  () => parseTermFactor,
  false,
);
const parseTermArith: Level = binaryLevel(['+', '-'], parseTermFactor, () => parseTermArith, false);
const parseTermAnd: Level = binaryLevel(['&'], parseTermArith, () => parseTermAnd, true);
const parseTermOr: Level = binaryLevel(['|'], parseTermAnd, () => parseTermOr, true);
const parseTermRelation: Level = binaryLevel(['==', '!=', '<', '>', '<=', '>='], parseTermOr, () => parseTermRelation, false);

/** The parsed `=`/`:=` operator term used at expression level. */
export function exprOp(p: ParserState): { op: string; loc: Location } | undefined {
  return termOp(p, [':=', '=']);
}
/** Builds an infix operator call term (re-exported for the expression parser). */
export { infixCall };
