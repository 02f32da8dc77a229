#!/usr/bin/env node
// Makes OPA available for the test suite and the tools, with nothing done by hand:
//   1. $OPA_BIN, if set;
//   2. else an `opa` on PATH that reports the pinned version;
//   3. else <tools>/bin/opa, installed with `go install` when missing.
// <tools> is $POLICY_ENGINE_TOOLS_DIR when set, else <repo>/.tools.
// It also makes sure OPA's own source (the Rego conformance corpus) is in the Go module
// cache, and records what it found in <tools>/opa.json for the library to read.
// The library's ensureOpa() runs this script when it finds no OPA.
// Plain JavaScript on purpose: it runs before anything is built.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const OPA_VERSION = '1.22.3';
const MODULE = `github.com/open-policy-agent/opa@v${OPA_VERSION}`;
const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const toolsDir = process.env.POLICY_ENGINE_TOOLS_DIR?.trim()
  ? resolve(process.env.POLICY_ENGINE_TOOLS_DIR.trim())
  : join(repoRoot, '.tools');
const localBin = join(toolsDir, 'bin', process.platform === 'win32' ? 'opa.exe' : 'opa');
const quiet = process.argv.includes('--quiet');
const log = (msg) => {
  if (!quiet) console.error(`[ensure-opa] ${msg}`);
};

function versionOf(bin) {
  const r = spawnSync(bin, ['version'], { encoding: 'utf8' });
  if (r.status !== 0 || r.error) return undefined;
  const m = /^Version:\s*(\S+)/m.exec(r.stdout);
  return m ? m[1] : undefined;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function hasGo() {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
}

function fail(msg) {
  console.error(`[ensure-opa] error: ${msg}`);
  process.exit(1);
}

let bin;
let source;
if (process.env.OPA_BIN) {
  bin = resolve(process.env.OPA_BIN);
  const v = versionOf(bin);
  if (!v) fail(`OPA_BIN=${process.env.OPA_BIN} does not run ('opa version' failed).`);
  if (v !== OPA_VERSION) log(`warning: OPA_BIN reports ${v}; the project pins ${OPA_VERSION}.`);
  source = 'OPA_BIN';
} else {
  const pathOpa = onPath('opa');
  if (pathOpa && versionOf(pathOpa) === OPA_VERSION) {
    bin = pathOpa;
    source = 'PATH';
  } else if (existsSync(localBin) && versionOf(localBin) === OPA_VERSION) {
    bin = localBin;
    source = '.tools';
  } else {
    if (!hasGo()) {
      fail(
        `OPA ${OPA_VERSION} not found. Either set OPA_BIN to an opa ${OPA_VERSION} binary ` +
          `(or put it on PATH), or install Go so that this script can run ` +
          `'GOBIN=${join(toolsDir, 'bin')} go install ${MODULE}'.`,
      );
    }
    log(`installing OPA ${OPA_VERSION} into ${join(toolsDir, 'bin')} (go install; first run only)…`);
    mkdirSync(join(toolsDir, 'bin'), { recursive: true });
    const r = spawnSync('go', ['install', MODULE], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: join(toolsDir, 'bin'), GOFLAGS: process.env.GOFLAGS ?? '-mod=mod' },
    });
    if (r.status !== 0) fail(`'go install ${MODULE}' failed (exit ${r.status}).`);
    const v = versionOf(localBin);
    if (v !== OPA_VERSION) fail(`installed opa reports version ${v ?? '(none)'}, expected ${OPA_VERSION}.`);
    bin = localBin;
    source = '.tools';
  }
}

// OPA's own conformance corpus lives in its Go module; `go install` already fetched it.
let sourceDir = null;
if (hasGo()) {
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', MODULE], {
      encoding: 'utf8',
      cwd: repoRoot /* outside any go.mod */,
      env: { ...process.env, GOFLAGS: '' },
    });
    sourceDir = JSON.parse(out).Dir ?? null;
  } catch (err) {
    log(`warning: could not download OPA's source for the conformance corpus: ${err.message}`);
  }
}

mkdirSync(toolsDir, { recursive: true });
writeFileSync(join(toolsDir, 'opa.json'), JSON.stringify({ version: OPA_VERSION, bin, source, sourceDir }, null, 2) + '\n');
log(`opa ${OPA_VERSION}: ${bin} (from ${source})${sourceDir ? `; source: ${sourceDir}` : ''}`);
