import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The load tests measure time: run their files one after the other, not side by side on the shared cores.
export default mergeConfig(shared, defineConfig({ test: { fileParallelism: false } }));
