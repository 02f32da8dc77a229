/**
 * Kubernetes ConfigMap YAML source (the kube-mgmt way of loading policies): every `data` key
 * ending in `.rego` is a module with id `configmap:<name>/<key>`. Several YAML documents and
 * `kind: List` are supported. With `requireLabel`, only ConfigMaps labelled
 * `openpolicyagent.org/policy: rego` are loaded (like kube-mgmt `--require-policy-label=true`).
 */
import { parseAllDocuments } from 'yaml';
import { PolicySourceError } from '../errors.js';
import type { RegoVersionSetting } from '../options.js';
import { readSourceFile } from './data-file.js';
import type { RawModule, RawSourceContent } from './raw.js';

/** The label kube-mgmt looks for. */
export const POLICY_LABEL = 'openpolicyagent.org/policy';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectConfigMaps(doc: unknown, out: Record<string, unknown>[]): void {
  if (!isRecord(doc)) return;
  if (doc['kind'] === 'List' && Array.isArray(doc['items'])) {
    for (const item of doc['items']) collectConfigMaps(item, out);
  } else if (doc['kind'] === 'ConfigMap') out.push(doc);
}

/** Parses ConfigMap YAML text into modules. @throws PolicySourceError */
export function parseConfigMaps(text: string, file: string, requireLabel: boolean, regoVersion: RegoVersionSetting): RawSourceContent {
  const docs = parseAllDocuments(text);
  const configMaps: Record<string, unknown>[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const first = doc.errors[0];
    if (first !== undefined) {
      const pos = first.linePos?.[0];
      throw new PolicySourceError(`invalid YAML: ${first.message}`, file, pos ? { position: { line: pos.line, col: pos.col } } : {});
    }
    collectConfigMaps(doc.toJS() as unknown, configMaps);
  }
  const modules: RawModule[] = [];
  for (const cm of configMaps) {
    const metadata = isRecord(cm['metadata']) ? cm['metadata'] : {};
    const name = typeof metadata['name'] === 'string' ? metadata['name'] : '(unnamed)';
    const labels = isRecord(metadata['labels']) ? metadata['labels'] : {};
    if (requireLabel && labels[POLICY_LABEL] !== 'rego') continue;
    const data = isRecord(cm['data']) ? cm['data'] : {};
    for (const key of Object.keys(data).sort()) {
      const value = data[key];
      if (!key.endsWith('.rego')) continue;
      if (typeof value !== 'string') throw new PolicySourceError(`ConfigMap ${name} key ${key} is not a string`, file);
      modules.push({ id: `configmap:${name}/${key}`, source: value, regoVersion });
    }
  }
  return { modules, data: [] };
}

/** Reads a ConfigMap YAML file. @throws PolicySourceError */
export async function loadConfigMap(path: string, requireLabel: boolean, regoVersion: RegoVersionSetting): Promise<RawSourceContent> {
  return parseConfigMaps(await readSourceFile(path), path, requireLabel, regoVersion);
}
