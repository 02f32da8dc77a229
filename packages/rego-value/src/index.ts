/**
 * @policy-engine/rego-value — typed Rego values: OPA's total order, equality, hashing,
 * exact numbers, JSON conversion and Go-compatible formatting.
 * @packageDocumentation
 */
/** Values, the classes of composite values, order, equality and type guards. */
export {
  type Value,
  type TypeName,
  RObject,
  RSet,
  typeName,
  compare,
  compareStrings,
  equals,
  keyOf,
  hashOf,
  isNumber,
  isArray,
  isObject,
  isSet,
} from './value.js';
/** The number model: JS numbers when exact, else `BigNum` exact decimals; arithmetic helpers. */
export {
  BigNum,
  type RNumber,
  makeNumber,
  fromBigInt,
  fromFloat,
  parseNumber,
  parseNumberLiteral,
  fromInputNumber,
  canonicalNumber,
  toDecimal,
  compareNumbers,
  numbersEqual,
  isInteger,
  toBigInt,
  toFloat,
  toSafeInteger,
  numberText,
  add,
  sub,
  mul,
  div,
  rem,
  neg,
  abs,
  isZero,
  sign,
  floor,
  ceil,
  round,
  decimalOf,
} from './number.js';
/** JSON conversion (values and text). */
export { fromJSON, toJSON, toJSONText, parseJSONText, ValueConversionError, type ToJSONOptions, type FromJSONOptions } from './json.js';
/** OPA's term text and Go's quoting. */
export { formatValue, goCanBackquote, goIsPrint, goQuote } from './format.js';
/** Go's `fmt.Sprintf` as OPA's `sprintf` uses it. */
export { sprintf } from './sprintf.js';
