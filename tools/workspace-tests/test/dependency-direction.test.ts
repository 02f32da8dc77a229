import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@policy-engine/opa';

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface NxGraph {
  graph: {
    nodes: Record<string, { data: { root: string } }>;
    dependencies: Record<string, { source: string; target: string }[]>;
  };
}

const projectDirs = ['packages', 'tools', 'examples'].flatMap((group) =>
  readdirSync(join(repoRoot, group), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repoRoot, group, d.name, 'package.json')))
    .map((d) => join(group, d.name)),
);
const manifests = new Map<string, { dir: string; pkg: PackageJson }>(
  projectDirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as PackageJson;
    return [pkg.name, { dir, pkg }];
  }),
);

/** Layer of a project: a runtime dependency must point to a strictly lower layer. */
function layer(name: string): number {
  const entry = manifests.get(name);
  if (!entry) throw new Error(`unknown project ${name}`);
  const [group, folder] = entry.dir.split('/') as [string, string];
  if (group === 'examples' || group === 'tools') return 6;
  if (folder === 'inputs-common' || folder === 'rego-parser' || folder === 'rego-value') return 0;
  if (folder.startsWith('inputs-')) return 1;
  if (folder === 'inputs' || folder === 'rego-eval') return 2;
  if (folder === 'evaluator') return 3;
  if (folder.startsWith('engine-')) return 4;
  if (folder.endsWith('-adapter')) return 4;
  // The prom-client adapter of the evaluator's metrics hook, shared by the examples.
  if (folder === 'prometheus') return 4;
  // The engine factory sits in the engines/adapters layer; it alone may import the engines beside it.
  if (folder === 'engines') return 4;
  // The Orca simulator (runner, simulated executors) drives the orca-adapter interceptor.
  if (folder === 'orca-simulator') return 5;
  // Test helpers for policy authors: fixtures on the native engine, above the engines.
  if (folder === 'testing') return 5;
  throw new Error(`no layer assigned to ${entry.dir}: add it to this test and to ARCHITECTURE.md`);
}

/** The one engine factory (`createEngineByName`): tools and examples pick engines through it. */
const ENGINE_FACTORY = '@policy-engine/engines';
const isEnginePackage = (name: string) => name.startsWith('@policy-engine/engine-');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => (m[1] ?? m[2]) as string,
  );
}

describe('the dependency direction inputs ← evaluator ← engines/adapters ← examples/tools', () => {
  it('every runtime dependency between workspace projects points to a lower layer', () => {
    const wrong: string[] = [];
    for (const [name, { pkg }] of manifests) {
      for (const dep of Object.keys(pkg.dependencies ?? {})) {
        if (!manifests.has(dep)) continue;
        if (name === ENGINE_FACTORY && isEnginePackage(dep)) continue;
        if (layer(dep) >= layer(name) && layer(name) !== 6) wrong.push(`${name} → ${dep}`);
      }
      for (const dep of Object.keys(pkg.devDependencies ?? {})) {
        // Test-only: packages may use the OPA harness, the shared test kit, the engine contract suite and the engines in their own tests.
        if (!manifests.has(dep) || layer(name) === 6) continue;
        const allowed =
          dep === '@policy-engine/opa' ||
          dep === '@policy-engine/engine-contract' ||
          dep === '@policy-engine/test-kit' ||
          layer(dep) < layer(name) ||
          dep.startsWith('@policy-engine/engine-');
        if (!allowed) wrong.push(`${name} →(dev) ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the engine factory imports the evaluator and engine-* only, and no package below tools/examples imports it', () => {
    const factory = manifests.get(ENGINE_FACTORY);
    expect(factory, 'packages/engines exists').toBeDefined();
    const ours = (deps: Record<string, string> | undefined) => Object.keys(deps ?? {}).filter((d) => manifests.has(d));
    const wrong = ours(factory?.pkg.dependencies).filter((d) => d !== '@policy-engine/evaluator' && !isEnginePackage(d));
    for (const [name, { pkg }] of manifests) {
      if (name !== ENGINE_FACTORY && layer(name) !== 6 && ours(pkg.dependencies).includes(ENGINE_FACTORY))
        wrong.push(`${name} → ${ENGINE_FACTORY}`);
    }
    expect(wrong).toEqual([]);
  });

  it('tools and examples that choose an engine by name use the factory, not the engine packages', () => {
    const wrong: string[] = [];
    for (const dir of ['tools/cli', 'examples/gate-server', 'examples/orca-runner']) {
      for (const file of sourceFiles(join(repoRoot, dir, 'src'))) {
        for (const spec of importsOf(file)) if (isEnginePackage(spec)) wrong.push(`${relative(repoRoot, file)} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('production sources of packages/* never import tools or examples', () => {
    const toolNames = [...manifests.values()].filter((m) => !m.dir.startsWith('packages/')).map((m) => m.pkg.name);
    const wrong: string[] = [];
    for (const { dir } of manifests.values()) {
      if (!dir.startsWith('packages/') || !existsSync(join(repoRoot, dir, 'src'))) continue;
      for (const file of sourceFiles(join(repoRoot, dir, 'src'))) {
        for (const spec of importsOf(file)) {
          if (toolNames.includes(spec)) wrong.push(`${relative(repoRoot, file)} imports ${spec}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('inputs-* depend only on inputs-common and io-ts/fp-ts (package.json, sources and the nx graph)', () => {
    const inputs = [...manifests.values()].filter((m) => /^packages\/inputs-/.test(m.dir));
    expect(inputs.length).toBeGreaterThanOrEqual(6);
    const allowedDeps = new Set(['io-ts', 'fp-ts', '@policy-engine/inputs-common']);
    const wrong: string[] = [];
    for (const { dir, pkg } of inputs) {
      for (const dep of Object.keys(pkg.dependencies ?? {})) if (!allowedDeps.has(dep)) wrong.push(`${pkg.name} depends on ${dep}`);
      for (const file of sourceFiles(join(repoRoot, dir, 'src'))) {
        for (const spec of importsOf(file)) {
          const bare =
            spec.startsWith('.') || spec.startsWith('node:')
              ? undefined
              : spec
                  .split('/')
                  .slice(0, spec.startsWith('@') ? 2 : 1)
                  .join('/');
          if (bare !== undefined && !allowedDeps.has(bare)) wrong.push(`${relative(repoRoot, file)} imports ${spec}`);
        }
      }
    }
    expect(wrong).toEqual([]);

    const out = join(mkdtempSync(join(tmpdir(), 'nx-graph-')), 'graph.json');
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'nx'), ['graph', `--file=${out}`], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
    });
    const graph = (JSON.parse(readFileSync(out, 'utf8')) as NxGraph).graph;
    for (const { pkg } of inputs) {
      const targets = (graph.dependencies[pkg.name] ?? [])
        .map((d) => d.target)
        .filter((t) => !t.startsWith('npm:'))
        // The repository's shared test helpers (a devDependency of their tests, never of their sources).
        .filter((t) => t !== '@policy-engine/test-kit');
      const expected = pkg.name === '@policy-engine/inputs-common' ? [] : ['@policy-engine/inputs-common'];
      expect({ project: pkg.name, deps: targets }).toEqual({ project: pkg.name, deps: expected });
    }
  });
});
