// Packages whose helper functions read other rules of the package (issue 16), ref-head
// rules, nested packages, default rules and package-only modules: the wasm engine must give
// the same document and the same Decision as a real OPA server (engine-opa).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyEngine, type Decision, type Engine, type RegoVersion } from '@policy-engine/evaluator';
import { opaEngine } from '@policy-engine/engine-opa';
import { findOpa, startOpaServer, type OpaServer } from '@policy-engine/opa';
import { wasmEngine, type WasmEngine } from '../src/index.js';

interface Case {
  readonly name: string;
  readonly modules: readonly { readonly id: string; readonly regoVersion: RegoVersion; readonly source: string }[];
  readonly data?: Record<string, unknown>;
  /** Documents to compare (`data.<path>`) and Decisions to compare, per input. */
  readonly documents: readonly string[];
  readonly decisions: readonly string[];
  readonly inputs: readonly unknown[];
  /** What opa decides for the first decision package, per input (so the case cannot pass by both engines failing alike). */
  readonly allowed: readonly boolean[];
}

const cases: readonly Case[] = [
  {
    name: "the issue's example (v0): a helper function over a package rule, negated",
    modules: [
      {
        id: 'pipelines.rego',
        regoVersion: 'v0',
        source: 'package opa.pipelines\n\nallowed := ["a"]\n\ndeny["x"] {\n  not ok(input.a)\n}\n\nok(v) {\n  allowed[_] == v\n}\n',
      },
    ],
    // Not `opa.pipelines.ok`: OPA answers a function's path with a type error, and the evaluator asks only packages and rules.
    documents: ['opa.pipelines', 'opa.pipelines.deny', 'opa.pipelines.allowed'],
    decisions: ['opa.pipelines'],
    inputs: [{ a: 'b' }, { a: 'a' }],
    allowed: [false, true],
  },
  {
    name: 'v1: a two-argument function over an allow-list rule, called from deny and from another function',
    modules: [
      {
        id: 'deploy.rego',
        regoVersion: 'v1',
        source: `package opa.pipelines

allowlist := [{"ns": "prod", "app": "web"}, {"ns": "dev", "app": "api"}]

canDeploy(ns, app) if {
  some e in allowlist
  e.ns == ns
  e.app == app
}

allDeployable(targets) if every t in targets {
  canDeploy(t.ns, t.app)
}

deny contains msg if {
  some t in input.targets
  not canDeploy(t.ns, t.app)
  msg := sprintf("%s may not deploy to %s", [t.app, t.ns])
}

summary := "all deployable" if allDeployable(input.targets)
`,
      },
    ],
    documents: ['opa.pipelines', 'opa.pipelines.summary'],
    decisions: ['opa.pipelines'],
    inputs: [
      { targets: [{ ns: 'prod', app: 'web' }] },
      {
        targets: [
          { ns: 'prod', app: 'api' },
          { ns: 'qa', app: 'web' },
        ],
      },
    ],
    allowed: [true, false],
  },
  {
    name: 'v1: functions over data, default rules, allow + message',
    modules: [
      {
        id: 'authz.rego',
        regoVersion: 'v1',
        source: `package spinnaker.http.authz

default allow := false

default trusted(_) := false

trusted(image) if {
  some prefix in data.registries
  startswith(image, prefix)
}

isImageApproved(image) if trusted(image)

isImageApproved(image) if image in approved

approved := {"docker.io/library/nginx:1.25"}

allow if {
  input.user.isAdmin
}

allow if {
  isImageApproved(input.image)
  count(input.user.roles) > 0
}

message := sprintf("image %s is not approved", [input.image]) if not isImageApproved(input.image)
`,
      },
    ],
    data: { registries: ['registry.example.com/'] },
    documents: ['spinnaker.http.authz', 'spinnaker.http.authz.allow', 'spinnaker.http.authz.message'],
    decisions: ['spinnaker.http.authz'],
    inputs: [
      { user: { isAdmin: false, roles: ['dev'] }, image: 'registry.example.com/app:1' },
      { user: { isAdmin: false, roles: ['dev'] }, image: 'docker.io/library/nginx:1.25' },
      { user: { isAdmin: false, roles: ['dev'] }, image: 'evil.io/x' },
      { user: { isAdmin: true, roles: [] }, image: 'evil.io/x' },
    ],
    allowed: [true, true, false, true],
  },
  {
    name: 'v0: a stage-graph rule read by a function with several arguments (hasEarlierApprovalBy)',
    modules: [
      {
        id: 'execution.rego',
        regoVersion: 'v0',
        source: `package spinnaker.execution.stages.before.deployManifest

stages := input.pipeline.stages

approvals[i] = s {
  s := stages[i]
  s.type == "manualJudgment"
}

hasEarlierApprovalBy(role, idx) {
  some i
  approvals[i]
  i < idx
  approvals[i].selectedStageRoles[_] == role
}

deny["a deploy needs an earlier approval by release"] {
  some idx
  stages[idx].type == "deployManifest"
  not hasEarlierApprovalBy("release", idx)
}
`,
      },
    ],
    documents: ['spinnaker.execution.stages.before.deployManifest'],
    decisions: ['spinnaker.execution.stages.before.deployManifest'],
    inputs: [
      { pipeline: { stages: [{ type: 'manualJudgment', selectedStageRoles: ['release'] }, { type: 'deployManifest' }] } },
      { pipeline: { stages: [{ type: 'deployManifest' }, { type: 'manualJudgment', selectedStageRoles: ['release'] }] } },
    ],
    allowed: [true, false],
  },
  {
    name: 'v1: ref-head rules in a parent package, a nested package, an empty package, data under a package',
    modules: [
      {
        id: 'parent.rego',
        regoVersion: 'v1',
        source: `package spinnaker.execution

blocked(account) if account in data.spinnaker.execution.config.frozen

stages.before.deployManifest.deny contains msg if {
  blocked(input.stage.context.account)
  msg := sprintf("account %s is frozen", [input.stage.context.account])
}

stages.before.deployManifest.checked := true if input.stage.context.account

stages.before.never.x := 1 if false

limits[name] := n if {
  some name, n in {"cpu": 2, "mem": 4}
}
`,
      },
      { id: 'nested.rego', regoVersion: 'v1', source: 'package spinnaker.execution.audit\n\nlevel := "full" if input.stage\n' },
      { id: 'empty.rego', regoVersion: 'v1', source: 'package spinnaker.execution.nothing\n' },
    ],
    data: { spinnaker: { execution: { config: { frozen: ['prod-eu'] } } } },
    documents: [
      'spinnaker.execution',
      'spinnaker.execution.stages',
      'spinnaker.execution.stages.before.never',
      'spinnaker.execution.stages.before.deployManifest',
      'spinnaker.execution.stages.before.deployManifest.deny',
      'spinnaker.execution.audit',
      'spinnaker.execution.nothing',
      'spinnaker.execution.config',
      'spinnaker.execution.limits.cpu',
      'spinnaker.execution.missing',
      'spinnaker',
    ],
    decisions: ['spinnaker.execution.stages.before.deployManifest', 'spinnaker.execution.audit'],
    inputs: [{ stage: { context: { account: 'prod-eu' } } }, { stage: { context: { account: 'dev' } } }],
    allowed: [false, true],
  },
  {
    name: 'a function-only library package imported by a v0 policy',
    modules: [
      {
        id: 'lib.rego',
        regoVersion: 'v1',
        source: 'package lib.names\n\nvalid(n) if regex.match(`^[a-z-]+$`, n)\n\nlong(n, max) if count(n) > max\n',
      },
      {
        id: 'pipelines.rego',
        regoVersion: 'v0',
        source:
          'package opa.pipelines\n\nimport data.lib.names\n\nmax := 10\n\ndeny[msg] {\n  not names.valid(input.pipeline.name)\n  msg := "bad name"\n}\n\ndeny[msg] {\n  names.long(input.pipeline.name, max)\n  msg := "long name"\n}\n',
      },
    ],
    documents: ['opa.pipelines', 'lib.names', 'lib'],
    decisions: ['opa.pipelines'],
    inputs: [{ pipeline: { name: 'ok-name' } }, { pipeline: { name: 'Bad_Name_Far_Too_Long' } }],
    allowed: [true, false],
  },
  {
    name: 'v1: rule refs with keys no entrypoint can name (a slash, a number, a variable), else chains, a rule split over two modules',
    modules: [
      {
        id: 'odd-a.rego',
        regoVersion: 'v1',
        source: `package odd

paths["a/b"] := 1

nums[1] := "one" if input.n

level := "high" if input.n > 5
else := "low"

deny contains "from a" if input.n == 7

default f(_) := false

f(x) if x > 3

checked := f(input.n)
`,
      },
      { id: 'odd-b.rego', regoVersion: 'v1', source: 'package odd\n\ndeny contains "from b" if input.n > 6\n' },
    ],
    documents: ['odd', 'odd.paths', 'odd.nums', 'odd.level', 'odd.deny'],
    decisions: ['odd'],
    inputs: [{ n: 7 }, { n: 1 }],
    allowed: [false, true],
  },
  {
    name: 'a package-only module: denied by default on http.authz, as on opa',
    modules: [{ id: 'authz.rego', regoVersion: 'v1', source: 'package spinnaker.http.authz\n' }],
    documents: ['spinnaker.http.authz', 'spinnaker.http.authz.allow'],
    decisions: ['spinnaker.http.authz'],
    inputs: [{ user: { username: 'ann' } }],
    allowed: [false],
  },
];

/** Engines shared by all cases (one OPA server, one wasm engine); PolicyEngine.close leaves them open. */
function shared(engine: Engine): Engine {
  return {
    name: engine.name,
    load: (set, o) => engine.load(set, o),
    evaluate: (p, i, o) => engine.evaluate(p, i, o),
    close: () => Promise.resolve(),
  };
}

function essence(d: Decision): Pick<Decision, 'allowed' | 'denies' | 'message' | 'policyFound' | 'error'> {
  return { allowed: d.allowed, denies: d.denies, message: d.message, policyFound: d.policyFound, ...(d.error ? { error: d.error } : {}) };
}

let server: OpaServer;
let opa: Engine;
let wasm: WasmEngine;
let cacheDir: string;

beforeAll(async () => {
  server = await startOpaServer({ v0Compatible: true });
  cacheDir = await mkdtemp(join(tmpdir(), 'wasm-documents-'));
  opa = opaEngine({ baseUrl: server.url });
  wasm = wasmEngine({ opaPath: findOpa(), cacheDir });
});

afterAll(async () => {
  await wasm?.close();
  await opa?.close();
  await server?.stop();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

describe('wasm decides packages with helper functions exactly as OPA', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const policies = { kind: 'inline' as const, modules: c.modules, ...(c.data ? { data: c.data } : {}) };
      const onOpa = await createPolicyEngine({ engine: shared(opa), policies });
      const onWasm = await createPolicyEngine({ engine: shared(wasm), policies });
      try {
        for (const [i, input] of c.inputs.entries()) {
          for (const doc of c.documents) {
            const want = await opa.evaluate(doc, input);
            expect({ doc, input, got: await wasm.evaluate(doc, input) }).toEqual({ doc, input, got: want });
          }
          for (const pkg of c.decisions) {
            const want = await onOpa.evaluate(pkg, input);
            expect(want.error).toBeUndefined();
            expect({ pkg, input, got: essence(await onWasm.evaluate(pkg, input)) }).toEqual({ pkg, input, got: essence(want) });
          }
          expect((await onOpa.evaluate(c.decisions[0] as string, input)).allowed).toBe(c.allowed[i]);
        }
      } finally {
        await onOpa.close();
        await onWasm.close();
      }
    });
  }
});
