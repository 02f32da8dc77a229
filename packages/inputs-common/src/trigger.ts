import * as t from 'io-ts';
import { openObject } from './codec/open-object.js';
import { nullable, oneOfKinds } from './codec/one-of-kinds.js';
import { Artifact, ExpectedArtifact } from './artifact.js';
import { deepMerge, type DeepPartial } from './merge.js';

/** A trigger parameter value: documented as string; numbers, booleans and null are tolerated. */
export const ParameterValue = oneOfKinds('ParameterValue (string | number | boolean | null)', {
  string: t.string,
  number: t.number,
  boolean: t.boolean,
  null: t.null,
});

/** `parameters.<name>` map of a trigger. */
export const TriggerParameters = t.record(t.string, ParameterValue, 'TriggerParameters');

const triggerProps = {
  type: t.string,
  user: t.string,
  artifacts: t.array(Artifact),
  dryRun: t.boolean,
  enabled: t.boolean,
  eventId: t.string,
  executionId: t.string,
  expectedArtifacts: t.array(ExpectedArtifact),
  preferred: t.boolean,
  rebake: t.boolean,
  resolvedExpectedArtifacts: t.array(ExpectedArtifact),
  parameters: TriggerParameters,
  notifications: t.UnknownArray,
};

/** `input.pipeline.trigger.other`: the raw trigger properties. */
export const TriggerOther = openObject('TriggerOther', {}, { ...triggerProps, strategy: t.boolean });

/** `input.pipeline.trigger`: the trigger that started this execution. */
export const Trigger = openObject(
  'Trigger',
  {},
  {
    ...triggerProps,
    correlationId: nullable(t.string),
    isDryRun: t.boolean,
    isRebake: t.boolean,
    isStrategy: t.boolean,
    other: TriggerOther,
  },
);
/** The TypeScript type of {@link Trigger}. */
export type Trigger = t.TypeOf<typeof Trigger>;

/** `input.pipeline.triggers[]`: a trigger configured on the pipeline. */
export const ConfiguredTrigger = openObject(
  'ConfiguredTrigger',
  {},
  {
    type: t.string,
    enabled: t.boolean,
    id: t.string,
    branch: t.string,
    project: t.string,
    slug: t.string,
    source: t.string,
    secret: t.string,
    dryRun: t.boolean,
    preferred: t.boolean,
    rebake: t.boolean,
    expectedArtifactIds: t.array(t.string),
  },
);
/** The TypeScript type of {@link ConfiguredTrigger}. */
export type ConfiguredTrigger = t.TypeOf<typeof ConfiguredTrigger>;

/** A valid manual trigger by `alice`, deep-merged with `overrides`. */
export function buildTrigger(overrides?: DeepPartial<Trigger>): Trigger {
  return deepMerge<Trigger>(
    {
      type: 'manual',
      user: 'alice',
      artifacts: [],
      correlationId: null,
      dryRun: false,
      isDryRun: false,
      isRebake: false,
      isStrategy: false,
      rebake: false,
      preferred: false,
      parameters: {},
      expectedArtifacts: [],
      resolvedExpectedArtifacts: [],
      notifications: [],
    },
    overrides,
  );
}

/** A valid configured git trigger, deep-merged with `overrides`. */
export function buildConfiguredTrigger(overrides?: DeepPartial<ConfiguredTrigger>): ConfiguredTrigger {
  return deepMerge<ConfiguredTrigger>(
    {
      type: 'git',
      source: 'github',
      project: 'example',
      slug: 'app',
      branch: 'main',
      enabled: true,
      expectedArtifactIds: [],
    },
    overrides,
  );
}

/** The TypeScript type of {@link ParameterValue}. */
export type ParameterValue = t.TypeOf<typeof ParameterValue>;

/** The TypeScript type of {@link TriggerParameters}. */
export type TriggerParameters = t.TypeOf<typeof TriggerParameters>;

/** The TypeScript type of {@link TriggerOther}. */
export type TriggerOther = t.TypeOf<typeof TriggerOther>;
