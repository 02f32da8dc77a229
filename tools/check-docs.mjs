#!/usr/bin/env node
// Fails when a package's public API is undocumented: every export of every project's
// src/index.ts, and of every subpath export in its package.json (`./engine-kit` →
// its `@policy-engine/source` file), must carry a TSDoc comment at its declaration and be
// named (in backticks) in that project's README.md. Run by `npm test`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const projects = ['packages', 'tools', 'examples'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, group, d.name, 'src', 'index.ts')))
        .map((d) => join(root, group, d.name))
    : [],
);

const base = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.base.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => {},
  },
);
/** The source files of a project's public entries: src/index.ts and its package.json subpath exports. */
function entryFiles(dir) {
  const files = [join(dir, 'src', 'index.ts')];
  const manifest = join(dir, 'package.json');
  const exportsField = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).exports : undefined;
  if (exportsField && typeof exportsField === 'object') {
    for (const [key, target] of Object.entries(exportsField)) {
      if (key === '.' || !key.startsWith('./')) continue;
      const source = typeof target === 'object' && target !== null ? target['@policy-engine/source'] : undefined;
      if (typeof source === 'string' && source.endsWith('.ts')) files.push(join(dir, source));
    }
  }
  return files;
}

const program = ts.createProgram(projects.flatMap(entryFiles), { ...base.options, noEmit: true });
const checker = program.getTypeChecker();

const problems = [];
for (const dir of projects) {
  const readmePath = join(dir, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : undefined;
  const rel = relative(root, dir);
  if (readme === undefined) problems.push(`${rel}: no README.md`);
  for (const file of entryFiles(dir)) {
    const entry = program.getSourceFile(file);
    const moduleSymbol = entry && checker.getSymbolAtLocation(entry);
    if (!moduleSymbol) {
      if (file !== join(dir, 'src', 'index.ts')) problems.push(`${relative(root, file)}: source of a subpath export not found`);
      continue;
    }
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const name = exported.getName();
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const documented =
        target.getDocumentationComment(checker).length > 0 ||
        (target.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
      if (!documented) problems.push(`${relative(root, file)}: export \`${name}\` has no TSDoc comment`);
      if (readme !== undefined && !readme.includes(`\`${name}`)) problems.push(`${rel}: export \`${name}\` is not listed in README.md`);
    }
  }
}

if (problems.length > 0) {
  console.error(`check-docs: ${problems.length} undocumented export(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-docs: every export of ${projects.length} projects is documented`);
