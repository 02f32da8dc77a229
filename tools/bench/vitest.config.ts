import shared from '../../vitest.shared.ts';

// Only the harness's pure parts are tested here; the benchmarks themselves never run in `npm test`.
export default shared;
