/**
 * Reads policy sources into one PolicySet (modules + data + revision).
 */
import type { DataDocument, PolicyModule, PolicySet } from './engine.js';
import { canonicalHash } from './canonical-json.js';
import { discoverModule } from './discovery.js';
import { PolicyCompileError, PolicyEngineError, PolicySourceError, type PolicyProblem } from './errors.js';
import type { LoadedModuleInfo, PolicySource } from './options.js';
import { loadBundle } from './sources/bundle.js';
import { BundleServiceClient, type BundleServiceSource } from './sources/bundle-service.js';
import { loadConfigMap } from './sources/configmap.js';
import { loadDirectory, loadFiles } from './sources/directory.js';
import type { RawSourceContent } from './sources/raw.js';

/** A loaded policy set plus what `modules()` reports about each module. */
export interface LoadedPolicies {
  readonly policySet: PolicySet;
  readonly modules: LoadedModuleInfo[];
}

/** Content of a bundle-service source: the facade's client holds it; tools download it once. */
export type BundleResolver = (source: BundleServiceSource) => Promise<RawSourceContent>;

/** One download (or the persisted copy), verified; for tools without a facade. */
const downloadOnce: BundleResolver = async (source) => {
  const errors: string[] = [];
  const client = new BundleServiceClient(source, { warn: () => undefined, error: (m) => errors.push(m) });
  await client.prepare();
  const content = client.content();
  if (content.modules.length === 0 && content.data.length === 0 && errors.length > 0) {
    throw new PolicySourceError(errors.join('; '), source.url);
  }
  return content;
};

async function readSource(source: PolicySource, resolveBundle: BundleResolver): Promise<RawSourceContent> {
  switch (source.kind) {
    case 'directory':
      return loadDirectory(source.path, source.regoVersion ?? 'v1');
    case 'files':
      return loadFiles(source.paths, source.regoVersion ?? 'v1');
    case 'configmap':
      return loadConfigMap(source.path, source.requireLabel ?? false, source.regoVersion ?? 'v1');
    case 'bundle':
      return loadBundle(source.path, source.regoVersion ?? 'v1');
    case 'bundle-service':
      return resolveBundle(source);
    case 'inline':
      return {
        modules: source.modules.map((m) => ({ id: m.id, source: m.source, regoVersion: m.regoVersion ?? 'v1' })),
        data: source.data === undefined ? [] : [{ id: 'inline:data', path: [], value: source.data }],
      };
  }
}

/** Sources as a list, whether one or several were given. */
export function sourceList(sources: PolicySource | readonly PolicySource[]): readonly PolicySource[] {
  return Array.isArray(sources) ? (sources as readonly PolicySource[]) : [sources as PolicySource];
}

/**
 * Reads every source, discovers each module's package and Rego version, and builds a PolicySet.
 * Parse problems of all modules are reported together in one PolicyCompileError.
 * @throws PolicySourceError for unreadable files, PolicyCompileError for parse problems.
 */
export async function loadPolicySources(
  sources: PolicySource | readonly PolicySource[],
  extraData?: Record<string, unknown>,
): Promise<LoadedPolicies> {
  return loadSources(sources, extraData, downloadOnce);
}

/** {@link loadPolicySources} with the content of bundle-service sources supplied by the caller (the facade's clients). */
export async function loadSources(
  sources: PolicySource | readonly PolicySource[],
  extraData: Record<string, unknown> | undefined,
  resolveBundle: BundleResolver,
): Promise<LoadedPolicies> {
  const modules: PolicyModule[] = [];
  const infos: LoadedModuleInfo[] = [];
  const data: DataDocument[] = [];
  const problems: PolicyProblem[] = [];
  const seen = new Set<string>();
  const bundleRevisions: Record<string, string> = {};
  for (const source of sourceList(sources)) {
    const content = await readSource(source, resolveBundle);
    if (content.bundle !== undefined) bundleRevisions[content.bundle.name] = content.bundle.revision;
    for (const raw of content.modules) {
      if (seen.has(raw.id)) throw new PolicySourceError('module id appears twice in the policy sources', raw.id);
      seen.add(raw.id);
      try {
        const found = discoverModule(raw.source, raw.id, raw.regoVersion, raw.fromManifest ?? false);
        modules.push({ id: raw.id, source: raw.source, regoVersion: found.regoVersion, packageName: found.packageName, ast: found.ast });
        infos.push({
          id: raw.id,
          packageName: found.packageName,
          regoVersion: found.regoVersion,
          regoVersionSource: found.regoVersionSource,
        });
      } catch (error) {
        if (error instanceof PolicyCompileError) problems.push(...error.problems);
        else if (error instanceof PolicyEngineError) throw error;
        else
          throw new PolicyCompileError(
            [{ message: error instanceof Error ? error.message : String(error), location: { file: raw.id, line: 1, col: 1 } }],
            { cause: error },
          );
      }
    }
    data.push(...content.data);
  }
  if (problems.length > 0) throw new PolicyCompileError(problems);
  if (extraData !== undefined) data.push({ id: 'options.data', path: [], value: extraData });
  const revision = canonicalHash({
    modules: modules.map((m) => [m.id, m.regoVersion, m.source]),
    data: data.map((d) => [d.id, d.path, d.value]),
  });
  const bundles = Object.keys(bundleRevisions).length > 0 ? { bundleRevisions } : {};
  return { policySet: { modules, data, revision, ...bundles }, modules: infos };
}
