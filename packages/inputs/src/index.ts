/**
 * @policy-engine/inputs — registry of input codecs over every policy package:
 * `inputCodecFor(packageName)`, `validateInput(packageName, value)`, `knownPackages()`.
 * @packageDocumentation
 */
export { inputCodecFor, knownPackages, type InputCodec } from './registry.js';
export { UnknownInputPackage, validateInput, type InputValidationResult } from './validate.js';
export type { InputError } from '@policy-engine/inputs-common';
