/**
 * OPA's own in-process evaluation as the reference: `opa bench` on each package with its case
 * input, the median of `timer_rego_query_eval_ns`. Measuring code.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPolicySources, type PolicySource } from '@policy-engine/evaluator';
import { mergedData, v0CompatibleSource } from '@policy-engine/evaluator/engine-kit';
import type { OpaInProcessEntry } from './results.js';
import { sig, weightedMedian } from './stats.js';
import type { DecisionCase } from './workload.js';

/** The median query-evaluation time (ns) from `opa bench --format json` output. */
export function medianEvalNs(benchJson: string): number {
  const doc = JSON.parse(benchJson) as { Extra?: Record<string, unknown> };
  const v = doc.Extra?.['histogram_timer_rego_query_eval_ns_median'];
  if (typeof v !== 'number') throw new Error('opa bench output has no histogram_timer_rego_query_eval_ns_median');
  return v;
}

/** One `opa bench` process; its stdout. */
function runBench(opa: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(opa, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`opa ${args.join(' ')} failed (${String(err.code)}): ${stderr || stdout}`));
      else resolve(stdout);
    });
  });
}

/**
 * Writes the policy set as OPA loads it (v1 modules with `import rego.v1`, for `--v0-compatible`)
 * and runs `opa bench` once per case (or, with `onePerPackage`, once per package on its first
 * case, weighted by the package's case count), `parallel` processes at a time (each `opa bench`
 * is a ~1 s Go loop on one goroutine; with 2 on 2 cores each has a core).
 */
export async function opaInProcess(
  opa: string,
  policies: PolicySource,
  cases: readonly DecisionCase[],
  onePerPackage: boolean,
  parallel = 1,
): Promise<OpaInProcessEntry> {
  const loaded = await loadPolicySources(policies);
  const dir = mkdtempSync(join(tmpdir(), 'bench-opa-inprocess-'));
  try {
    const policyDir = join(dir, 'policies');
    for (const m of loaded.policySet.modules) {
      const file = join(policyDir, `${m.id.replace(/[^A-Za-z0-9_./-]/g, '_')}${m.id.endsWith('.rego') ? '' : '.rego'}`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, v0CompatibleSource(m).source);
    }
    writeFileSync(join(policyDir, 'data.json'), JSON.stringify(mergedData(loaded.policySet)));
    const weights = new Map<string, number>();
    for (const c of cases) weights.set(c.pkg, (weights.get(c.pkg) ?? 0) + 1);
    const chosen = onePerPackage ? [...weights.keys()].map((pkg) => cases.find((c) => c.pkg === pkg) as DecisionCase) : cases;
    const results: { pkg: string; ns: number; weight: number }[] = [];
    const jobs = chosen.map((c, i) => async (): Promise<void> => {
      const inputFile = join(dir, `input-${i}.json`);
      writeFileSync(inputFile, JSON.stringify(c.input));
      const query = `data.${c.pkg}`;
      const stdout = await runBench(opa, [
        'bench',
        '--v0-compatible',
        '--fail=false',
        '--format',
        'json',
        '--benchmem=false',
        '-d',
        policyDir,
        '-i',
        inputFile,
        query,
      ]);
      results.push({ pkg: c.pkg, ns: medianEvalNs(stdout), weight: onePerPackage ? (weights.get(c.pkg) ?? 1) : 1 });
    });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker));
    const perPackage: Record<string, number> = {};
    for (const pkg of weights.keys()) {
      const own = results.filter((r) => r.pkg === pkg).map((r) => ({ value: r.ns, weight: 1 }));
      if (own.length > 0) perPackage[pkg] = sig(weightedMedian(own) / 1000);
    }
    return {
      p50_us: sig(weightedMedian(results.map((r) => ({ value: r.ns, weight: r.weight }))) / 1000),
      per_package_p50_us: perPackage,
      runs: results.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
