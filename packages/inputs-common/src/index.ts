/**
 * @policy-engine/inputs-common — io-ts codecs, types and builders for the objects shared by
 * all policy inputs (user, trigger, artifacts, stage, execution, pipeline config), plus the
 * codec helpers (open objects that keep extra keys, kind unions, nullable) and error reporting.
 * @packageDocumentation
 */
export { kindOf, isJsonObject, type JsonKind } from './codec/kind.js';
export { OpenObjectType, openObject, type OpenOf } from './codec/open-object.js';
export { KindUnionType, NullableType, nullable, oneOfKinds, type KindMembers, type KindUnionOf } from './codec/one-of-kinds.js';
export { DispatchType, dispatch } from './codec/dispatch.js';
export { AnyArray, JsonObject, NumberOrString, NumericString, Timestamp } from './codec/scalars.js';
export { describeValue, formatPath, toInputErrors, type InputError, type PathSegment } from './errors.js';
export { deepMerge, type DeepPartial } from './merge.js';
export { Role, RoleObject, User, buildUser } from './user.js';
export { Artifact, ArtifactMetadata, ExpectedArtifact, buildArtifact, buildExpectedArtifact } from './artifact.js';
export {
  ConfiguredTrigger,
  ParameterValue,
  Trigger,
  TriggerOther,
  TriggerParameters,
  buildConfiguredTrigger,
  buildTrigger,
} from './trigger.js';
export { Moniker } from './moniker.js';
export {
  StageContext,
  StageExecution,
  StageLastModified,
  StageTask,
  buildStageExecution,
  buildStageTask,
  stageContextCommonProps,
  stageExecutionOf,
  type StageExecutionType,
} from './stage.js';
export { Execution, ExecutionAuthentication, StageExecutionOrId, buildExecution } from './execution.js';
export {
  Capacity,
  ClusterConfig,
  ParameterConfig,
  ParameterOption,
  PipelineConfig,
  StageConfig,
  TrafficManagement,
  buildPipelineConfig,
  buildStageConfig,
} from './pipeline-config.js';
export { DeleteManifestDeploy, DeleteManifestOptions, buildDeleteManifestDeploy, deployDescriptionCommonProps } from './deploy.js';
export { Project, ProjectCluster, ProjectPipelineConfig, buildProject } from './project.js';
