/**
 * @policy-engine/gate-adapter — Gate-style API authorization (`spinnaker.http.authz`)
 * and UI entitlements (`spinnaker.ui.entitlements.isFeatureEnabled`): a framework-neutral
 * core plus Express, Fastify and node:http middleware.
 * @packageDocumentation
 */
export {
  authorizeRequest,
  decide,
  decideNow,
  safeEvaluate,
  type AuthorizeOptions,
  type AuthzDecision,
  type AuthzErrorBody,
  type AuthzOutcome,
  type AuthzRequest,
} from './authorize.js';
export {
  createGateAuthorizer,
  sendJson,
  type AuthzEvent,
  type GateAuthorizer,
  type GateAuthorizerOptions,
  type GateRequestContext,
} from './authorizer.js';
export { DEFAULT_MAX_BODY_DEPTH, checkJsonText, isJsonContentType, parseBodyText, readJsonBody, type ReadBodyOptions } from './body.js';
export { createRequestClassifier, type RequestClass, type RequestClassifier } from './classify.js';
export {
  DEFAULT_EXEMPT_PATHS,
  DEFAULT_GATE_CONFIG,
  loadArmoryConfigFile,
  parseArmoryConfigYaml,
  readArmoryConfig,
  resolveGateConfig,
  type ForceAuthenticationEntry,
  type GateAuthzConfig,
  type GateAuthzConfigInput,
} from './config.js';
export { getGateContext } from './context.js';
export { HTTP_AUTHZ_PACKAGE, UI_ENTITLEMENTS_PACKAGE, type DecisionSource } from './engine.js';
export {
  buildEntitlementInput,
  evaluateEntitlement,
  parseFeatureAction,
  type EntitlementResponse,
  type FeatureAction,
  type FeatureAnswer,
} from './entitlements.js';
export { GateRequestError } from './errors.js';
export { SINGLE_VALUE_HEADERS, checkRequestHeaders } from './headers.js';
export { expressGateMiddleware, type GateExpressMiddleware, type GateExpressRequest } from './express.js';
export { registerGateAuthz } from './fastify.js';
export {
  basicAuthIdentity,
  firstIdentity,
  parseBasicAuth,
  type IdentityRequest,
  type IdentityResolver,
  type PasswordUser,
} from './identity.js';
export { BODY_METHODS, buildGateInput, type HttpAuthzInput } from './input.js';
export { gateRequestListener, type AuthorizedHandler } from './node-http.js';
export { normalizeRequestPath, type NormalizedPath } from './path.js';
export { compilePathPattern, type PathPattern } from './pattern.js';
export { DEFAULT_ROLE_SOURCE, toGateUser, type GateRole, type GateUser, type GateUserLike } from './user.js';
