import { createRequire } from 'node:module';

/** One sample of a metric family, as parse-prometheus-text-format reads it. */
export interface PrometheusSample {
  readonly value: string;
  readonly labels?: Record<string, string>;
}

/** One metric family (`# HELP`, `# TYPE` and its samples). */
export interface PrometheusMetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly PrometheusSample[];
}

/** Parses a `/metrics` body in the Prometheus text format (throws where it does not parse). */
export function parsePrometheusText(text: string): PrometheusMetricFamily[] {
  return parsePrometheusTextFormat(text);
}

// The package ships CommonJS without types: loaded with require and typed here.
const require = createRequire(import.meta.url);
const parsePrometheusTextFormat = require('parse-prometheus-text-format') as (text: string) => PrometheusMetricFamily[];
