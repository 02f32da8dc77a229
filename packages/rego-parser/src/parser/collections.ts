import type { Body, Term } from '../ast.js';
import type { Location } from '../location.js';
import { parseBody } from './expressions.js';
import { parseTermInfixCallInList } from './infix.js';
import { type ParserState, tokenName } from './state.js';
import { parseTerm } from './terms.js';

/** Parses a collection term (or list) at the current token. */
export function parseArray(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    const loc = p.loc();
    p.scan();
    if (p.tok() === ']') return { type: 'array', items: [], location: loc };
    let potentialComprehension = true;
    if (p.tok() === ',') {
      potentialComprehension = false;
      p.scan();
    }
    const s = p.save();
    const head = parseTerm(p);
    if (!head) return undefined;
    switch (p.tok()) {
      case ']':
        return { type: 'array', items: [head], location: loc };
      case ',': {
        p.scan();
        const terms = parseTermList(p, ']', [head]);
        return terms ? { type: 'array', items: terms, location: loc } : undefined;
      }
      case '|':
        if (potentialComprehension) {
          p.scan();
          const body = parseBody(p, ']');
          if (body) return { type: 'arraycomprehension', term: head, body, location: loc };
          if (p.tok() !== ',') return undefined;
        }
    }
    p.restore(s);
    const terms = parseTermList(p, ']', []);
    return terms ? { type: 'array', items: terms, location: loc } : undefined;
  } finally {
    p.leave();
  }
}

/** Parses a collection term (or list) at the current token. */
export function parseSetOrObject(p: ParserState): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    const loc = p.loc();
    p.scan();
    if (p.tok() === '}') return { type: 'object', items: [], location: loc };
    let potentialComprehension = true;
    if (p.tok() === ',') {
      potentialComprehension = false;
      p.scan();
    }
    const s = p.save();
    let head = parseTerm(p);
    if (!head) return undefined;
    switch (p.tok()) {
      case '|':
        if (potentialComprehension) return parseSet(p, s, head, true, loc);
        break;
      case '}':
      case ',':
        return parseSet(p, s, head, potentialComprehension, loc);
      case ':':
        return parseObject(p, head, potentialComprehension, loc);
    }
    p.restore(s);
    head = parseTermInfixCallInList(p);
    if (!head) return undefined;
    switch (p.tok()) {
      case '}':
      case ',':
        return parseSet(p, s, head, false, loc);
      case ':':
        return parseObject(p, head, potentialComprehension, loc);
    }
    p.illegal('non-terminated set');
    return undefined;
  } finally {
    p.leave();
  }
}

function parseSet(
  p: ParserState,
  s: ReturnType<ParserState['save']>,
  head: Term,
  potentialComprehension: boolean,
  loc: Location,
): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    switch (p.tok()) {
      case '}':
        return { type: 'set', items: [head], location: loc };
      case ',': {
        p.scan();
        const terms = parseTermList(p, '}', [head]);
        return terms ? { type: 'set', items: terms, location: loc } : undefined;
      }
      case '|': {
        if (potentialComprehension) {
          p.scan();
          const body = parseBody(p, '}');
          if (body) return { type: 'setcomprehension', term: head, body, location: loc };
          if (p.tok() !== ',') return undefined;
        }
        p.restore(s);
        const terms = parseTermList(p, '}', []);
        return terms ? { type: 'set', items: terms, location: loc } : undefined;
      }
    }
    return undefined;
  } finally {
    p.leave();
  }
}

function parseObject(p: ParserState, k: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    p.scan(); // over ':'
    const s = p.save();
    let v = parseTerm(p);
    if (!v) return undefined;
    if (potentialComprehension) {
      if (p.tok() === '}' || p.tok() === ',') return parseObjectFinish(p, k, v, true, loc);
      if (p.tok() === '|') {
        const t = parseObjectFinish(p, k, v, true, loc);
        if (t) return t;
      }
    }
    p.restore(s);
    v = parseTermInfixCallInList(p);
    if (!v) return undefined;
    if (p.tok() === '}' || p.tok() === ',') return parseObjectFinish(p, k, v, false, loc);
    p.illegal('non-terminated object');
    return undefined;
  } finally {
    p.leave();
  }
}

function parseObjectFinish(p: ParserState, key: Term, val: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
  if (!p.enter()) return undefined;
  try {
    switch (p.tok()) {
      case '}':
        return { type: 'object', items: [[key, val]], location: loc };
      case '|':
        if (potentialComprehension) {
          p.scan();
          const body: Body | undefined = parseBody(p, '}');
          if (body) return { type: 'objectcomprehension', key, value: val, body, location: loc };
        } else p.illegal('non-terminated object');
        return undefined;
      case ',': {
        p.scan();
        const r = parseTermPairList(p, '}', [[key, val]]);
        return r ? { type: 'object', items: r, location: loc } : undefined;
      }
    }
    return undefined;
  } finally {
    p.leave();
  }
}

/** Parses a collection term (or list) at the current token. */
export function parseTermList(p: ParserState, end: string, r: Term[]): Term[] | undefined {
  if (p.tok() === end) return r;
  for (;;) {
    const term = parseTermInfixCallInList(p);
    if (!term) return undefined;
    r.push(term);
    switch (p.tok()) {
      case end:
        return r;
      case ',':
        p.scan();
        if (p.tok() === end) return r;
        continue;
      default:
        p.illegal(`expected "," or "${tokenName(end)}"`);
        return undefined;
    }
  }
}

function parseTermPairList(p: ParserState, end: string, r: (readonly [Term, Term])[]): (readonly [Term, Term])[] | undefined {
  if (p.tok() === end) return r;
  for (;;) {
    const key = parseTermInfixCallInList(p);
    if (!key) return undefined;
    if (p.tok() !== ':') {
      p.illegal('expected ":"');
      return undefined;
    }
    p.scan();
    const val = parseTermInfixCallInList(p);
    if (!val) return undefined;
    r.push([key, val]);
    switch (p.tok()) {
      case end:
        return r;
      case ',':
        p.scan();
        if (p.tok() === end) return r;
        continue;
      default:
        p.illegal(`expected "," or "${tokenName(end)}"`);
        return undefined;
    }
  }
}
