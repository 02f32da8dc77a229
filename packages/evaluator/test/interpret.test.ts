import { describe, expect, it } from 'vitest';
import { interpretAllow, interpretDeny, interpretDocument, renderDenyElement, DEFAULT_ALLOW_PACKAGES } from '@policy-engine/evaluator';

describe('interpretDeny', () => {
  it('reads a v1 object-valued deny (deny[msg] if …) by its keys', () => {
    expect(interpretDeny({ deny: { 'a message': true } })).toEqual({ allowed: false, denies: ['a message'], message: null });
    expect(interpretDeny({ deny: {} })).toEqual({ allowed: true, denies: [], message: null });
  });

  it('treats deny: true as denied and deny: false/null as allowed', () => {
    expect(interpretDeny({ deny: true }).allowed).toBe(false);
    expect(interpretDeny({ deny: false }).allowed).toBe(true);
    expect(interpretDeny({ deny: null }).allowed).toBe(true);
  });

  it('a single string deny is one message', () => {
    expect(interpretDeny({ deny: 'nope' })).toEqual({ allowed: false, denies: ['nope'], message: null });
  });

  it('response.allowed false without errors still gives a message', () => {
    const v = interpretDeny({ response: { allowed: false } });
    expect(v.allowed).toBe(false);
    expect(v.denies).toHaveLength(1);
  });
});

describe('interpretAllow / interpretDocument / renderDenyElement', () => {
  it('ignores a non-string message', () => {
    expect(interpretAllow({ allow: false, message: 3 })).toEqual({ allowed: false, denies: [], message: null });
  });

  it('chooses the convention by package and refuses non-objects', () => {
    expect(interpretDocument('spinnaker.http.authz', { deny: ['x'] }, DEFAULT_ALLOW_PACKAGES)?.allowed).toBe(false);
    expect(interpretDocument('opa.pipelines', { allow: false }, DEFAULT_ALLOW_PACKAGES)?.allowed).toBe(true);
    expect(interpretDocument('opa.pipelines', [1], DEFAULT_ALLOW_PACKAGES)).toBeUndefined();
    expect(interpretDocument('opa.pipelines', null, DEFAULT_ALLOW_PACKAGES)).toBeUndefined();
  });

  it('renders values as JSON text', () => {
    expect(renderDenyElement('s')).toBe('s');
    expect(renderDenyElement(['a', 1])).toBe('["a",1]');
    expect(renderDenyElement(null)).toBe('null');
  });
});
