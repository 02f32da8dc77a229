/**
 * @policy-engine/engine-contract — one contract suite every engine runs: an engine package adds
 * one test file calling {@link runEngineContract}.
 * @packageDocumentation
 */
export { runEngineContract, type EngineContractOptions, type EngineFactory } from './suite.js';
export { contractCases, type ContractCase, type CompileErrorCase } from './cases.js';
