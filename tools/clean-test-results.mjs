#!/usr/bin/env node
// Removes the previous run's per-project test reports so the summary counts this run only.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(fileURLToPath(new URL('../tmp/test-results', import.meta.url)), { recursive: true, force: true });
