import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';
import { OpaNotFoundError, ensureOpa, runOpa } from '@policy-engine/opa';
import { formatParseError, parse } from '@policy-engine/rego-parser';
import { CliError, ExitCode } from '../exit.js';
import { readText } from '../io.js';
import { setExit, type RegisterCommand } from '../program.js';

/** Parsed options of `policy-engine build`. */
interface BuildOptions {
  readonly target: string;
  readonly output: string;
  readonly entrypoint?: string[];
}

/**
 * The flags engine-wasm builds with (`packages/engine-wasm/src/build.ts`): v1 modules get
 * `import rego.v1` so that v0 and v1 modules compile in one run; only the entrypoints are kept.
 */
const WASM_FLAGS = ['-t', 'wasm', '--v0-compatible', '--prune-unused'] as const;

const helpText = `
Compiles Rego files to an OPA bundle with "opa build -t wasm" (policy.wasm plus the sources and
a manifest naming the entrypoints), the way the wasm engine compiles (v0 and v1 modules in one
bundle). Entrypoints default to every package with an allow, deny or message rule; -e adds
explicit ones (a/b/c or data.a.b.c). Needs the opa binary ($OPA_BIN, $POLICY_ENGINE_TOOLS_DIR,
.tools or PATH). Exit 0 built, 2 parse/compile errors or no OPA.

Example:
  policy-engine build --target wasm -o bundle.tar.gz examples/policies
`;

function entrypoint(e: string): string {
  return e.replace(/^data[./]/, '').replaceAll('.', '/');
}

/** The `.rego` and data files of each PATH, with where they go in the build directory (`<i>/<relative path>`). */
function inputFiles(paths: readonly string[]): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  paths.forEach((p, i) => {
    if (p === '-') throw new CliError('build reads files and directories, not standard input');
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new CliError(`cannot read ${p}: no such file or directory`);
    }
    if (!isDir) {
      out.push({ file: p, target: `${i}/${basename(p)}` });
      return;
    }
    const walk = (d: string): void => {
      for (const name of readdirSync(d).sort()) {
        const f = join(d, name);
        if (statSync(f).isDirectory()) walk(f);
        else if (name.endsWith('.rego') || /^data\.(json|ya?ml)$/.test(name))
          out.push({ file: f, target: `${i}/${relative(p, f).split('\\').join('/')}` });
      }
    };
    walk(p);
  });
  return out;
}

/** `policy-engine build --target wasm PATH...`: wraps `opa build -t wasm`. */
export const registerBuild: RegisterCommand = (program: Command) => {
  program
    .command('build')
    .description('Compile Rego files to a wasm bundle with opa build -t wasm (as the wasm engine does). Exit 0 built, 2 errors.')
    .argument('<paths...>', 'Rego files or directories (their .rego files, recursively)')
    .option('--target <target>', 'build target (wasm)', 'wasm')
    .option('-o, --output <file>', 'bundle to write', 'bundle.tar.gz')
    .option('-e, --entrypoint <ref...>', 'entrypoints (default: every package with allow/deny/message rules)')
    .addHelpText('after', helpText)
    .action(async (paths: string[], opts: BuildOptions, cmd: Command) => {
      const output = cmd.configureOutput();
      const write = (s: string): void => void (output.writeOut ? output.writeOut(s) : process.stdout.write(s));
      const writeErr = (s: string): void => void (output.writeErr ? output.writeErr(s) : process.stderr.write(s));
      if (opts.target !== 'wasm') throw new CliError(`--target must be wasm, got "${opts.target}"`);
      const files = inputFiles(paths);
      const sources: { file: string; target: string; source: string }[] = [];
      const dataFiles: { file: string; target: string }[] = [];
      const packages = new Set<string>();
      let failed = false;
      for (const { file, target } of files) {
        if (!file.endsWith('.rego')) {
          dataFiles.push({ file, target });
          continue;
        }
        const text = readText(file);
        const r = parse(text, { regoVersion: 'auto', file });
        if (!r.module) {
          failed = true;
          for (const e of r.errors) writeErr(`${formatParseError(e)}\n`);
          continue;
        }
        if (r.module.rules.some((x) => ['allow', 'deny', 'message'].includes(x.name))) packages.add(r.module.package.path.join('/'));
        sources.push({ file, target, source: v0CompatibleSource({ source: text, regoVersion: r.module.regoVersion }).source });
      }
      if (failed) return setExit(cmd, ExitCode.Error);
      const eps = opts.entrypoint?.map(entrypoint) ?? [...packages].sort();
      if (eps.length === 0) throw new CliError('no entrypoint: no package has an allow, deny or message rule (name one with -e)');
      let opa: string;
      try {
        opa = await ensureOpa({ install: false });
      } catch (err) {
        if (err instanceof OpaNotFoundError) throw new CliError(`OPA_NOT_FOUND: ${err.message}`);
        throw err;
      }
      const dir = await mkdtemp(join(tmpdir(), 'policy-engine-build-'));
      try {
        // Each PATH becomes a root directory (`0/`, `1/`, …) holding its modules (made
        // v0-compatible) and data files at their relative places, as `opa build PATH…` reads them.
        for (const s of sources) {
          await mkdir(dirname(join(dir, s.target)), { recursive: true });
          await writeFile(join(dir, s.target), s.source);
        }
        for (const d of dataFiles) {
          await mkdir(dirname(join(dir, d.target)), { recursive: true });
          await copyFile(d.file, join(dir, d.target));
        }
        const roots = [...new Set([...sources, ...dataFiles].map((s) => s.target.split('/')[0] as string))];
        const out = resolve(opts.output);
        const r = await runOpa(['build', ...WASM_FLAGS, ...eps.flatMap((e) => ['-e', e]), '-o', out, ...roots], { cwd: dir, opaBin: opa });
        if (r.code !== 0) {
          let text = r.stderr || r.stdout;
          for (const s of sources) text = text.replaceAll(s.target, s.file);
          writeErr(text.endsWith('\n') ? text : `${text}\n`);
          return setExit(cmd, ExitCode.Error);
        }
        write(`built ${opts.output} (target wasm, ${sources.length} modules, entrypoints: ${eps.join(', ')})\n`);
        setExit(cmd, ExitCode.Ok);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
};
