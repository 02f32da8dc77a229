import * as t from 'io-ts';
import { Artifact, openObject } from '@policy-engine/inputs-common';

/** One entry of the flat `kato.tasks` context key: a Clouddriver task run by the stage. */
export const KatoTask = openObject(
  'KatoTask',
  {},
  {
    id: t.string,
    status: openObject('KatoTaskStatus', {}, { completed: t.boolean, failed: t.boolean, retryable: t.boolean }),
    history: t.array(openObject('KatoTaskHistory', {}, { phase: t.string, status: t.string })),
    resultObjects: t.array(t.UnknownRecord),
  },
);
/** The TypeScript type of {@link KatoTask}. */
export type KatoTask = t.TypeOf<typeof KatoTask>;

/**
 * The flat dotted keys Orca writes into manifest stage contexts. They are literal keys
 * (`context["kato.tasks"]`), never nested objects.
 */
export const katoContextProps = {
  'kato.tasks': t.array(KatoTask),
  'kato.last.task.id': openObject('KatoTaskId', {}, { id: t.string }),
  'kato.result.expected': t.boolean,
  'kato.task.firstNotFoundRetry': t.number,
  'kato.task.lastStatus': t.string,
  'kato.task.notFoundRetryCount': t.number,
  'kato.task.terminalRetryCount': t.number,
  'deploy.account.name': t.string,
  'deploy.server.groups': t.record(t.string, t.UnknownArray),
  'outputs.manifestNamesByNamespace': t.record(t.string, t.array(t.string)),
  'outputs.manifests': t.array(t.UnknownRecord),
  'outputs.createdArtifacts': t.array(Artifact),
  'outputs.boundArtifacts': t.array(Artifact),
};

/** The flat `manifest.*` keys of scale/undo-rollout manifest contexts. */
export const manifestCoordinateProps = {
  'manifest.account.name': t.string,
  'manifest.location': t.string,
  'manifest.name': t.string,
};
