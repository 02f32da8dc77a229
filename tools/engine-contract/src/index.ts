/**
 * @policy-engine/engine-contract — one contract suite every engine runs: an engine package adds
 * one test file calling {@link runEngineContract}.
 * @packageDocumentation
 */
export { runEngineContract, type EngineContractOptions, type EngineFactory } from './suite.js';
export { SAMPLE_DATA, SAMPLE_V0_DENY, SAMPLE_V1_AUTHZ, mod, policySet } from './policy-set.js';
export { contractCases, type ContractCase, type CompileErrorCase } from './cases.js';
