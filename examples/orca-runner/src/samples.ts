import { fileURLToPath } from 'node:url';

/** Directory of the sample pipeline configurations shipped with the example. */
export const SAMPLE_PIPELINES_DIR: string = fileURLToPath(new URL('../pipelines', import.meta.url));
