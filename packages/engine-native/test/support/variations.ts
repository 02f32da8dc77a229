/**
 * fast-check arbitraries for the differential test: an input variation is a fixture input
 * with a few mutations applied — a value set at a path the example policies read (roles,
 * users, accounts, stage and task types, namespaces, numbers, urls…), a key removed, a
 * value's type changed, or a value wrapped in nested arrays.
 */
import fc from 'fast-check';

/** A JSON value as the tests handle it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One mutation, kept in the variation so a disagreement can be reported and replayed. */
export type Mutation =
  | { readonly op: 'set'; readonly path: readonly (string | number)[]; readonly value: Json }
  | { readonly op: 'remove'; readonly path: readonly (string | number)[] }
  | { readonly op: 'wrap'; readonly path: readonly (string | number)[]; readonly depth: number };

/** A generated input: which package it is evaluated against, from which fixture, how it was changed. */
export interface Variation {
  readonly packageName: string;
  readonly fixture: string;
  readonly mutations: readonly Mutation[];
  readonly input: Json;
}

const words = {
  accounts: ['prod', 'production', 'staging', 'spinnaker', 'Prod', 'prod ', 'dev'],
  namespaces: ['production', 'kube-system', 'default', 'staging', 'Production'],
  stageTypes: ['deployManifest', 'createServerGroup', 'cloneServerGroup', 'manualJudgment', 'bake', 'wait', 'webhook', 'ManualJudgment'],
  taskTypes: [
    'deployManifest',
    'deleteManifest',
    'scaleManifest',
    'undoRolloutManifest',
    'patchManifest',
    'createApplication',
    'updateApplication',
    'deleteApplication',
    'upsertProject',
  ],
  roles: ['deployers', 'app-admins', 'pipeline-editors', 'admins', 'Deployers', ''],
  users: ['myUserName', 'anonymous', 'ann', 'bob', '', 'ünïcødé', 'a"b'],
  os: ['ubuntu', 'bionic', 'focal', 'jammy', 'centos', 'trusty', ''],
  branches: ['master', 'main', 'develop', 'feature/x', ''],
  apps: ['payments', 'ledger', 'hostname', 'demo', ''],
  methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'post'],
  images: ['nginx', 'nginx:latest', 'nginx:1.25', 'reg.io:5000/app', 'reg.io:5000/app:latest', ':latest', ''],
  urls: ['https://example.com/hook', 'http://example.com/hook', 'HTTPS://example.com', 'ftp://x', ''],
  misc: [' ', '  \t ', '%s', '%d', '%v', 'a\nb', '☃', 'tasks', 'pipelines', 'applications', 'projects', 'webhook', 'git', 'manual'],
};
const allWords = Object.values(words).flat();

/** Numbers around the policies' limits, odd encodings and a few large or fractional ones. */
const numbers = fc.oneof(
  fc.constantFrom(
    0,
    1,
    -1,
    3,
    4,
    20,
    21,
    19.5,
    20.000001,
    3600,
    3601,
    3600.5,
    86400000,
    86400001,
    1.5,
    -0.5,
    1e6,
    1e15,
    2 ** 53,
    1e21,
    1e-7,
    0.1,
  ),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
);

const word = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...allWords) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const scalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 3, arbitrary: numbers },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const keys = fc.constantFrom(
  'name',
  'type',
  'account',
  'source',
  'image',
  'namespace',
  'kind',
  'enabled',
  'branch',
  'x',
  'metadata',
  'spec',
);
/** Any JSON value of small depth, biased to the policies' vocabulary. */
export const anyJson: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'json' },
    { weight: 5, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(keys, tie('v'), { maxKeys: 4 }) },
  ),
})).v;

const role: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...words.roles),
  fc.record({ name: fc.oneof(fc.constantFrom(...words.roles), scalar), source: fc.constantFrom('GITHUB_TEAMS', 'LDAP', 'FILE') }),
  fc.record({ source: fc.constant('LDAP') }),
  scalar,
  fc.array(fc.constantFrom(...words.roles), { maxLength: 2 }),
);
const roles = fc.oneof({ weight: 5, arbitrary: fc.array(role, { maxLength: 5 }) }, { weight: 1, arbitrary: anyJson });
const job = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...words.taskTypes) }, { weight: 1, arbitrary: scalar }),
        application: fc.constantFrom(...words.apps),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);
const jobs = fc.oneof({ weight: 5, arbitrary: fc.array(job, { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson });
const container = fc.record(
  {
    name: fc.oneof(fc.constantFrom('app', 'sidecar'), scalar),
    image: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...words.images) }, { weight: 1, arbitrary: scalar }),
  },
  { requiredKeys: [] },
);
const manifest = fc.record(
  {
    kind: fc.constantFrom('Deployment', 'Service', 'Pod'),
    metadata: fc.record(
      {
        name: fc.oneof(fc.constantFrom('web', 'api'), scalar),
        namespace: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...words.namespaces) }, { weight: 1, arbitrary: scalar }),
      },
      { requiredKeys: [] },
    ),
    spec: fc.record({
      template: fc.record({
        spec: fc.record({
          containers: fc.oneof({ weight: 4, arbitrary: fc.array(container, { maxLength: 3 }) }, { weight: 1, arbitrary: anyJson }),
        }),
      }),
    }),
  },
  { requiredKeys: [] },
);
const stage = fc.record(
  {
    type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...words.stageTypes) }, { weight: 1, arbitrary: scalar }),
    account: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...words.accounts) }, { weight: 1, arbitrary: scalar }),
    name: fc.oneof(fc.constantFrom('Deploy', 'Judge', ''), scalar),
  },
  { requiredKeys: [] },
);
const trigger = fc.record(
  {
    type: fc.constantFrom('git', 'webhook', 'manual', 'cron'),
    enabled: fc.oneof(fc.boolean(), scalar),
    branch: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...words.branches) }, { weight: 1, arbitrary: scalar }),
    project: fc.constantFrom('org', 'team'),
    slug: fc.constantFrom('repo', 'svc'),
  },
  { requiredKeys: [] },
);
const pathValue = fc.oneof(
  fc.constantFrom<Json>(
    ['tasks'],
    ['pipelines'],
    ['pipelines', 'p1'],
    ['applications'],
    ['applications', 'demo'],
    ['projects'],
    [],
    'tasks',
  ),
  fc.array(fc.constantFrom(...words.misc, 'demo'), { maxLength: 3 }),
);
const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const or = (a: fc.Arbitrary<Json>): fc.Arbitrary<Json> => fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: anyJson });

/** Paths the example policies read, each with values that exercise its rules. */
const targeted: readonly [readonly (string | number)[], fc.Arbitrary<Json>][] = [
  [['user', 'roles'], roles],
  [['user', 'isAdmin'], or(fc.constantFrom<Json>(true, false, 'true', 1, null))],
  [['user', 'username'], or(pick(words.users))],
  [['method'], or(pick(words.methods))],
  [['path'], or(pathValue)],
  [['body', 'job'], jobs],
  [['body', 'jobs'], jobs],
  [['deploy', 'location'], or(pick(words.namespaces))],
  [['deploy', 'manifestName'], or(fc.constantFrom('deployment web', 'svc', ''))],
  [['deploy', 'replicas'], or(numbers)],
  [['deploy', 'numRevisionsBack'], or(numbers)],
  [['deploy', 'manifests'], fc.oneof({ weight: 4, arbitrary: fc.array(manifest, { maxLength: 3 }) }, { weight: 1, arbitrary: anyJson })],
  [['pipeline', 'application'], or(pick(words.apps))],
  [['pipeline', 'name'], or(fc.constantFrom('deploy', 'release "x"', ''))],
  [['pipeline', 'trigger', 'type'], or(fc.constantFrom('webhook', 'manual', 'git'))],
  [['pipeline', 'trigger', 'dryRun'], or(fc.constantFrom<Json>(true, false, 'true'))],
  [['pipeline', 'stages'], fc.oneof({ weight: 4, arbitrary: fc.array(stage, { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson })],
  [['pipeline', 'triggers'], fc.oneof({ weight: 4, arbitrary: fc.array(trigger, { maxLength: 3 }) }, { weight: 1, arbitrary: anyJson })],
  [['stage', 'name'], or(fc.constantFrom('Wait', 'Bake', ''))],
  [['stage', 'context', 'baseOs'], or(pick(words.os))],
  [['stage', 'context', 'account'], or(pick(words.accounts))],
  [['stage', 'context', 'instructions'], or(fc.constantFrom('', ' ', '\t\n', 'approve?', ' ok '))],
  [['stage', 'context', 'stageTimeoutMs'], or(numbers)],
  [['stage', 'context', 'url'], or(pick(words.urls))],
  [['stage', 'context', 'waitTime'], or(numbers)],
];

/** Every path to a value inside `v` (objects and arrays), root excluded. */
export function pathsOf(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const entries: [string | number, Json][] = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : v !== null && typeof v === 'object'
      ? Object.entries(v)
      : [];
  for (const [k, x] of entries) {
    out.push([...prefix, k]);
    pathsOf(x, [...prefix, k], out);
  }
  return out;
}

/** Applies one mutation to a deep copy's subtree in place (missing objects on a `set` path are created). */
export function apply(root: Json, m: Mutation): Json {
  if (m.path.length === 0) return m.op === 'set' ? m.value : root;
  let node: Json = root;
  for (let i = 0; i < m.path.length - 1; i++) {
    const key = m.path[i] as string | number;
    let next: Json | undefined = container_(node)?.[key as never];
    if (next === undefined || next === null || typeof next !== 'object') {
      if (m.op !== 'set') return root;
      next = {};
      if (!setKey(node, key, next)) return root;
    }
    node = next;
  }
  const last = m.path[m.path.length - 1] as string | number;
  const obj = container_(node);
  if (!obj) return root;
  if (m.op === 'set') setKey(node, last, m.value);
  else if (m.op === 'remove') {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else if (!Array.isArray(node)) delete (node as Record<string, Json>)[String(last)];
  } else {
    let v = obj[last as never];
    if (v === undefined) return root;
    for (let d = 0; d < m.depth; d++) v = [v];
    setKey(node, last, v);
  }
  return root;
}
function container_(v: Json): Record<string | number, Json> | undefined {
  return v !== null && typeof v === 'object' ? (v as Record<string | number, Json>) : undefined;
}
function setKey(node: Json, key: string | number, value: Json): boolean {
  if (Array.isArray(node)) {
    if (typeof key !== 'number' || key > node.length) return false;
    node[key] = value;
    return true;
  }
  if (node === null || typeof node !== 'object') return false;
  (node as Record<string, Json>)[String(key)] = value;
  return true;
}

/**
 * Variations of the fixtures: mostly a fixture of the package under test (any fixture when the
 * package has none, and sometimes a foreign one), with 1–4 targeted or generic mutations.
 */
export function variations(
  packages: readonly string[],
  fixtures: ReadonlyMap<string, { packageName: string; input: Json }>,
): fc.Arbitrary<Variation> {
  const names = [...fixtures.keys()].sort();
  return fc
    .record({
      pkg: fc.constantFrom(...packages),
      foreign: fc.integer({ min: 0, max: 9 }),
      any: fc.constantFrom(...names),
      pathSeed: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    })
    .chain(({ pkg, foreign, any, pathSeed }) => {
      const own = names.filter((n) => fixtures.get(n)?.packageName === pkg);
      const fixture = own.length > 0 && foreign > 1 ? (own[pathSeed[0]! % own.length] as string) : any;
      const base = fixtures.get(fixture)?.input ?? {};
      const paths = pathsOf(base);
      const generic: fc.Arbitrary<Mutation> =
        paths.length === 0
          ? fc.record({ op: fc.constant('set' as const), path: fc.constant(['x']), value: anyJson })
          : fc.oneof(
              fc.record({ op: fc.constant('remove' as const), path: fc.constantFrom(...paths) }),
              fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...paths), value: anyJson }),
              fc.record({ op: fc.constant('wrap' as const), path: fc.constantFrom(...paths), depth: fc.integer({ min: 1, max: 3 }) }),
            );
      const aimed: fc.Arbitrary<Mutation> = fc.oneof(
        ...targeted.map(([path, value]) => fc.record({ op: fc.constant('set' as const), path: fc.constant(path), value })),
        fc.record({ op: fc.constant('remove' as const), path: fc.constantFrom(...targeted.map(([p]) => p)) }),
      );
      const mutation = fc.oneof({ weight: 3, arbitrary: aimed }, { weight: 1, arbitrary: generic });
      return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations): Variation => {
        let input: Json = structuredClone(base);
        for (const m of mutations) input = apply(input, m);
        return { packageName: pkg, fixture, mutations, input: JSON.parse(JSON.stringify(input)) as Json };
      });
    });
}
