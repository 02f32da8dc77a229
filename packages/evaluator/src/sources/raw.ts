/**
 * What a source loader produces before package discovery.
 */
import type { DataDocument } from '../engine.js';
import type { RegoVersionSetting } from '../options.js';

/** A module as read from its source, before its package and version are resolved. */
export interface RawModule {
  readonly id: string;
  readonly source: string;
  readonly regoVersion: RegoVersionSetting;
  /** True when the version comes from a bundle manifest. */
  readonly fromManifest?: boolean;
}

/** Modules and data read from one source. */
export interface RawSourceContent {
  readonly modules: readonly RawModule[];
  readonly data: readonly DataDocument[];
  /** A bundle-service bundle: its name and manifest revision (becomes `PolicySet.bundleRevisions`). */
  readonly bundle?: { readonly name: string; readonly revision: string };
}
