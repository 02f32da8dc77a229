import { OPA_PIPELINES, PERSISTENCE_PIPELINES_BEFORE } from '@policy-engine/inputs-pipelines';

/** Front50's save-time validation package (`OPA_PIPELINES` of inputs-pipelines). */
export const OPA_PIPELINES_PACKAGE: typeof OPA_PIPELINES = OPA_PIPELINES;

/**
 * Early-plugin name of the same hook (2020 plugin page; `PERSISTENCE_PIPELINES_BEFORE` of
 * inputs-pipelines); consulted only with `legacyPackageName`.
 */
export const PERSISTENCE_PIPELINES_BEFORE_PACKAGE: typeof PERSISTENCE_PIPELINES_BEFORE = PERSISTENCE_PIPELINES_BEFORE;
