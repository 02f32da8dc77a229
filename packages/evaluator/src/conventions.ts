/**
 * Armory's decision conventions: how a package's document becomes allowed/denies/message.
 * The package names come from the inputs-* packages, the one place they are spelled.
 */
import { HTTP_AUTHZ } from '@policy-engine/inputs-http-authz';
import { OPA_PIPELINES, PERSISTENCE_PIPELINES_BEFORE } from '@policy-engine/inputs-pipelines';
import { UI_ENTITLEMENTS_IS_FEATURE_ENABLED } from '@policy-engine/inputs-ui-entitlements';

/** Packages that use the `allow` + `message` convention unless configured otherwise. */
export const DEFAULT_ALLOW_PACKAGES: readonly string[] = [HTTP_AUTHZ, UI_ENTITLEMENTS_IS_FEATURE_ENABLED];

/** Save-time validation packages (Front50); only these honour `onMissingPolicy: 'deny'`. */
export const SAVE_TIME_PACKAGES: readonly string[] = [OPA_PIPELINES, PERSISTENCE_PIPELINES_BEFORE];

/** The verdict part of a Decision. */
export interface Verdict {
  readonly allowed: boolean;
  readonly denies: readonly string[];
  readonly message: string | null;
}

/** Renders one deny element: strings as they are, anything else as JSON text. */
export function renderDenyElement(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function denyMessages(deny: unknown): readonly string[] | undefined {
  if (deny === undefined || deny === null || deny === false) return undefined;
  if (Array.isArray(deny)) return deny.map(renderDenyElement);
  // A v1 `deny[msg] if …` rule is an object {msg: true}: its keys are the messages.
  if (isRecord(deny)) return Object.keys(deny);
  if (deny === true) return ['denied (deny is true)'];
  return [renderDenyElement(deny)];
}

/**
 * Deny-set convention: allowed iff `deny` is empty or absent. When `deny` is absent and
 * `response` is defined, `response.allowed === false` denies with `response.errors` as messages.
 * Other rules and unknown fields are ignored.
 */
export function interpretDeny(document: Record<string, unknown>): Verdict {
  const fromDeny = denyMessages(document['deny']);
  if (fromDeny !== undefined || 'deny' in document) {
    const denies = fromDeny ?? [];
    return { allowed: denies.length === 0, denies, message: null };
  }
  const response = document['response'];
  if (isRecord(response) && response['allowed'] === false) {
    const errors = response['errors'];
    const denies = denyMessages(errors) ?? [];
    return { allowed: false, denies: denies.length > 0 ? denies : ['denied by response.allowed = false'], message: null };
  }
  return { allowed: true, denies: [], message: null };
}

/**
 * Allow convention: allowed iff `allow === true` (absent ⇒ denied); `message` passed through
 * when it is a non-empty string.
 */
export function interpretAllow(document: Record<string, unknown>): Verdict {
  const message = document['message'];
  return {
    allowed: document['allow'] === true,
    denies: [],
    message: typeof message === 'string' && message !== '' ? message : null,
  };
}

/** Applies the convention of `packageName` to its document; throws nothing, returns undefined for a non-object document. */
export function interpretDocument(packageName: string, document: unknown, allowPackages: readonly string[]): Verdict | undefined {
  if (!isRecord(document)) return undefined;
  return allowPackages.includes(packageName) ? interpretAllow(document) : interpretDeny(document);
}
