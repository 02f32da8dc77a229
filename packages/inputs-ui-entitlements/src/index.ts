/**
 * @policy-engine/inputs-ui-entitlements — typed input document for
 * `spinnaker.ui.entitlements.isFeatureEnabled` (Deck button visibility).
 * @packageDocumentation
 */
export {
  UI_ENTITLEMENTS_IS_FEATURE_ENABLED,
  UiEntitlementsBody,
  UiEntitlementsInput,
  UiEntitlementsJob,
  buildUiEntitlementsInput,
} from './ui-entitlements-input.js';
