/** Front50's save-time validation package. */
export const OPA_PIPELINES_PACKAGE = 'opa.pipelines';

/** Early-plugin name of the same hook (2020 plugin page); consulted only with `legacyPackageName`. */
export const PERSISTENCE_PIPELINES_BEFORE_PACKAGE = 'spinnaker.persistence.pipelines.before';
