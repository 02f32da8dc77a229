import type { Decision } from '@policy-engine/evaluator';

/** What a matcher returns to vitest's `expect.extend`. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

function isDecision(u: unknown): u is Decision {
  return typeof u === 'object' && u !== null && 'allowed' in u && 'denies' in u && 'package' in u;
}

function describeDecision(d: Decision): string {
  const verdict = d.allowed ? 'allowed' : 'denied';
  const parts = [`${d.package}: ${verdict}`];
  if (d.denies.length > 0) parts.push(`denies ${JSON.stringify(d.denies)}`);
  if (d.message !== null) parts.push(`message ${JSON.stringify(d.message)}`);
  if (!d.policyFound) parts.push('no policy found for the package');
  if (d.error) parts.push(`error ${d.error.code}: ${d.error.message}`);
  return parts.join(', ');
}

function notADecision(received: unknown): MatcherResult {
  return { pass: false, message: () => `expected a Decision ({package, allowed, denies, message, …}), got ${JSON.stringify(received)}` };
}

function matches(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text === expected : expected.test(text);
}

/** The matcher functions, for `expect.extend(policyMatchers)`. */
export const policyMatchers = {
  /** The decision allows (and no engine error decided it). */
  toBeAllowed(received: unknown): MatcherResult {
    if (!isDecision(received)) return notADecision(received);
    const pass = received.allowed && received.error === undefined;
    return {
      pass,
      message: () =>
        pass ? `expected a denial, got ${describeDecision(received)}` : `expected the decision to allow, got ${describeDecision(received)}`,
    };
  },
  /**
   * The decision denies, with a deny message equal to `expected` (a string) or matching it (a
   * RegExp). Without an argument: denied for any reason.
   */
  toBeDeniedWith(received: unknown, expected?: string | RegExp): MatcherResult {
    if (!isDecision(received)) return notADecision(received);
    const reasons = received.message !== null ? [...received.denies, received.message] : received.denies;
    const pass = !received.allowed && (expected === undefined || reasons.some((r) => matches(r, expected)));
    const what = expected === undefined ? 'a denial' : `a denial with ${String(expected)}`;
    return {
      pass,
      message: () =>
        pass ? `expected no ${what}, got ${describeDecision(received)}` : `expected ${what}, got ${describeDecision(received)}`,
    };
  },
  /** The decision's `message` (allow packages) equals `expected` (a string) or matches it (a RegExp). */
  toHaveMessage(received: unknown, expected: string | RegExp): MatcherResult {
    if (!isDecision(received)) return notADecision(received);
    const pass = received.message !== null && matches(received.message, expected);
    return {
      pass,
      message: () =>
        pass
          ? `expected the message not to be ${String(expected)}, got ${describeDecision(received)}`
          : `expected the message ${String(expected)}, got ${describeDecision(received)}`,
    };
  },
};

/** The matchers as they read on `expect(decision)`. */
export interface PolicyMatchers<R = unknown> {
  /** The decision allows (and no engine error decided it). */
  toBeAllowed(): R;
  /** The decision denies with a message equal to / matching `expected` (any denial without it). */
  toBeDeniedWith(expected?: string | RegExp): R;
  /** The decision's message equals / matches `expected`. */
  toHaveMessage(expected: string | RegExp): R;
}
