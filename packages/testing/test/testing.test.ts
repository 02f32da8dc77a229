import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildHttpAuthzInput } from '@policy-engine/inputs-http-authz';
import { buildPipelinesInput } from '@policy-engine/inputs-pipelines';
import { PolicyFixtureError, policyFixture, policyMatchers } from '../src/index.js';

expect.extend(policyMatchers);

const here = dirname(fileURLToPath(import.meta.url));

describe('the README example', () => {
  it('is test/readme-example.test.ts, character for character (so npm test runs it)', () => {
    const readme = readFileSync(join(here, '../README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(join(here, 'readme-example.test.ts'), 'utf8'));
  });
});

const authz = `package spinnaker.http.authz

default allow := false

allow if input.user.isAdmin

message := sprintf("%s may not %s", [input.user.username, input.method]) if not allow
`;

describe('policyFixture and the matchers', () => {
  it('decides an allow package on the native engine: toBeAllowed, toHaveMessage, toBeDeniedWith', async () => {
    const fx = await policyFixture('spinnaker.http.authz', authz);
    try {
      const admin = await fx.decide(buildHttpAuthzInput({ user: { username: 'root', isAdmin: true } }));
      expect(admin.engine).toBe('native');
      expect(admin).toBeAllowed();
      expect(admin).not.toBeDeniedWith();
      const bob = await fx.decide(buildHttpAuthzInput({ method: 'POST', user: { username: 'bob', isAdmin: false } }));
      expect(bob).not.toBeAllowed();
      expect(bob).toHaveMessage('bob may not POST');
      expect(bob).toHaveMessage(/may not/);
      expect(bob).toBeDeniedWith(/bob may not/);
      expect(bob).not.toHaveMessage('something else');
    } finally {
      await fx.close();
    }
  });

  it('failing matchers explain the decision they got', async () => {
    const fx = await policyFixture('opa.pipelines', 'package opa.pipelines\n\ndeny contains "no pipelines today" if true\n');
    try {
      const d = await fx.decide(buildPipelinesInput());
      expect(() => expect(d).toBeAllowed()).toThrow(
        'expected the decision to allow, got opa.pipelines: denied, denies ["no pipelines today"]',
      );
      expect(() => expect(d).toBeDeniedWith('other')).toThrow('expected a denial with other, got opa.pipelines: denied');
      expect(() => expect({ allowed: true }).toBeAllowed()).toThrow('expected a Decision');
      expect(d).toBeDeniedWith('no pipelines today');
    } finally {
      await fx.close();
    }
  });

  it('rejects inputs that do not match the typed input (INVALID_INPUT), unless validateInput is false', async () => {
    const strict = await policyFixture('spinnaker.http.authz', authz);
    const loose = await policyFixture('spinnaker.http.authz', authz, { validateInput: false });
    try {
      const bad = { method: 'GET', path: 'applications', user: { username: 'u', isAdmin: 'yes' } };
      const d = await strict.decide(bad);
      expect(d.error?.code).toBe('INVALID_INPUT');
      expect(d).not.toBeAllowed();
      expect((await loose.decide(bad)).error).toBeUndefined();
    } finally {
      await strict.close();
      await loose.close();
    }
  });

  it('throws PolicyFixtureError for a package no module declares, and for policies that do not compile', async () => {
    await expect(policyFixture('spinnaker.http.auth', authz)).rejects.toThrow(
      new PolicyFixtureError('no module declares package spinnaker.http.auth (loaded: spinnaker.http.authz)'),
    );
    await expect(policyFixture('p', 'package p\n\nallow if x == 1\n')).rejects.toThrow(/the policies do not load: .*var x is unsafe/);
  });

  it('takes several files, data and v0 modules', async () => {
    const fx = await policyFixture(
      'opa.pipelines',
      {
        'lib.rego': 'package lib\n\nblocked(app) { data.blocked[app] }\n',
        'policy.rego':
          'package opa.pipelines\n\nimport data.lib\n\ndeny[msg] {\n  lib.blocked(input.pipeline.application)\n  msg := "blocked"\n}\n',
      },
      { data: { blocked: { myapp: true } } },
    );
    try {
      expect(await fx.decide(buildPipelinesInput({ pipeline: { application: 'myapp' } }))).toBeDeniedWith('blocked');
      expect(await fx.decide(buildPipelinesInput({ pipeline: { application: 'other' } }))).toBeAllowed();
    } finally {
      await fx.close();
    }
  });
});
