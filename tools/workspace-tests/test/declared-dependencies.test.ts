import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@policy-engine/opa';

interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * Declared dependencies that no import names, each with the reason it is declared anyway.
 * Key: `<project> <dependency>`.
 */
const DECLARED_WITHOUT_IMPORT: Readonly<Record<string, string>> = {};

/** A dependency counts as used by a project whose imports name one of these (peer requirements). */
const PEER_OF: Readonly<Record<string, readonly string[]>> = {
  // io-ts declares fp-ts as a peer dependency: whoever installs io-ts must install fp-ts beside it.
  'fp-ts': ['io-ts'],
};

const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
/** Workspace-wide tools declared once at the root (vitest, typescript, eslint …). */
const rootDev = new Set(Object.keys(root.devDependencies ?? {}));
const nodeBuiltins = new Set(builtinModules);

const projectDirs = ['packages', 'tools', 'examples'].flatMap((group) =>
  readdirSync(join(repoRoot, group), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(repoRoot, group, d.name, 'package.json')))
    .map((d) => join(group, d.name)),
);

const CODE = /\.(?:ts|mts|cts|js|mjs|cjs)$/;

/** Every code file of a project outside node_modules, dist and tmp, with whether it ships (under src/). */
function codeFiles(dir: string, shipped = false, top = true): { file: string; shipped: boolean }[] {
  const out: { file: string; shipped: boolean }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'tmp', 'out'].includes(e.name) || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...codeFiles(p, shipped || (top && e.name === 'src'), false));
    else if (CODE.test(e.name) && !e.name.endsWith('.d.ts')) out.push({ file: p, shipped });
  }
  return out;
}

interface Import {
  readonly spec: string;
  readonly typeOnly: boolean;
}

/** Module specifiers of static imports/exports, dynamic imports, `require`, `require.resolve`, `import.meta.resolve` and vitest module mocks. */
function importsOf(text: string): Import[] {
  const found: Import[] = [];
  const re =
    /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|(?:import|require|require\.resolve|import\.meta\.resolve|vi\.mock)\(\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4];
    if (spec !== undefined) found.push({ spec, typeOnly: m[2] !== undefined });
  }
  return found;
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative, absolute and built-in modules. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.startsWith('#')) return undefined;
  const name = spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
  return nodeBuiltins.has(name) ? undefined : name;
}

const projects = projectDirs.map((dir) => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as PackageJson;
  const imports = codeFiles(join(repoRoot, dir)).flatMap(({ file, shipped }) =>
    importsOf(readFileSync(file, 'utf8')).map((i) => ({ ...i, file: relative(repoRoot, file), shipped })),
  );
  return { dir, pkg, imports };
});

describe('declared dependencies', () => {
  it('finds the projects and their imports', () => {
    expect(projects.length).toBeGreaterThanOrEqual(20);
    const evaluator = projects.find((p) => p.pkg.name === '@policy-engine/evaluator');
    expect(evaluator?.imports.some((i) => i.spec === '@policy-engine/inputs' && i.shipped)).toBe(true);
  });

  it('every import of a workspace project is declared in its package.json (shipped code: in dependencies)', () => {
    const wrong: string[] = [];
    for (const { pkg, imports } of projects) {
      const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
      const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
      for (const i of imports) {
        const name = packageOf(i.spec);
        if (name === undefined || name === pkg.name) continue;
        if (runtime.has(name)) continue;
        if (i.shipped && !i.typeOnly) {
          wrong.push(`${i.file} imports ${i.spec}, which is not in the dependencies of ${pkg.name}`);
        } else if (!dev.has(name) && !rootDev.has(name)) {
          wrong.push(`${i.file} imports ${i.spec}, which ${pkg.name} does not declare`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every declared dependency is used: imported, run by a script, or listed with its reason', () => {
    const wrong: string[] = [];
    for (const { pkg, imports } of projects) {
      const used = new Set(imports.map((i) => packageOf(i.spec)).filter((n): n is string => n !== undefined));
      const scripts = Object.values(pkg.scripts ?? {}).join('\n');
      const declared = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
      for (const dep of declared) {
        if (used.has(dep)) continue;
        if ((PEER_OF[dep] ?? []).some((p) => used.has(p))) continue;
        if (dep.startsWith('@types/') && (used.has(dep.slice('@types/'.length)) || dep === '@types/node')) continue;
        const bin = dep.split('/').pop() ?? dep;
        if (new RegExp(`(^|[\\s'"=])${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s'"]|$)`).test(scripts)) continue;
        if (DECLARED_WITHOUT_IMPORT[`${pkg.name} ${dep}`] !== undefined) continue;
        wrong.push(`${pkg.name} declares ${dep} but nothing imports or runs it`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
