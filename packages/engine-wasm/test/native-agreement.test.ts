// Built-ins `opa build -t wasm` leaves to the host are served by @policy-engine/rego-eval's
// registry, so the wasm engine, the native interpreter and the real OPA give the same values.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOpa, runOpa } from '@policy-engine/opa';
import { compile } from '@policy-engine/rego-eval';
import { toJSON } from '@policy-engine/rego-value';
import { wasmEngine } from '../src/index.js';
import { mod, policySet } from '@policy-engine/engine-contract';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wasm-native-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** data.<pkg> from OPA (`opa eval`), the wasm engine and rego-eval, for one v1 module and an input. */
async function threeWays(pkg: string, source: string, input: unknown): Promise<{ opa: unknown; wasm: unknown; native: unknown }> {
  const file = join(dir, `${pkg}.rego`);
  const inputFile = join(dir, `${pkg}.input.json`);
  await writeFile(file, source);
  await writeFile(inputFile, JSON.stringify(input));
  const res = await runOpa(['eval', '-f', 'json', '-d', file, '-i', inputFile, `data.${pkg}`]);
  expect(res.code, res.stdout + res.stderr).toBe(0);
  const opa = (JSON.parse(res.stdout) as { result: { expressions: { value: unknown }[] }[] }).result[0]?.expressions[0]?.value;
  const engine = wasmEngine({ opaPath: findOpa(), cacheDir: join(dir, 'cache'), workers: 1, spareWorkers: 0 });
  try {
    await engine.load(policySet([mod(`${pkg}.rego`, 'v1', source)]));
    const got = await engine.evaluate(pkg, input);
    expect(got.defined).toBe(true);
    const native = compile([{ id: `${pkg}.rego`, source, regoVersion: 'v1' }]).evaluate(`data.${pkg}`, { input });
    return { opa, wasm: got.defined ? got.value : undefined, native: native === undefined ? undefined : toJSON(native) };
  } finally {
    await engine.close();
  }
}

describe('wasm and native agree on the built-ins wasm leaves to the host', () => {
  it('sprintf of sets, non-string keys and big integers; time.*; regex.*; glob, net, semver, units, yaml, json', async () => {
    const source = `package agree

fmt := sprintf("%v|%v|%d|%v|%q|%x|%e|%g|%t|%8.3f|%v", [{"b", "a", "C"}, {1: "x", "k": {2, 1}}, 12345678901234567890, 1e21, {"q"}, "hi", 1234.5678, 0.000012, true, 3.14159, input.user])
time_parsed := time.parse_rfc3339_ns("2024-02-29T23:59:59.123456789+05:30")
time_layout := time.parse_ns("2006-01-02 15:04:05 MST", "2025-03-09 01:30:00 PST")
time_format := time.format([time_parsed, "America/New_York", "Mon Jan _2 15:04:05.000 MST 2006"])
time_date := time.date([time_parsed, "Asia/Tokyo"])
time_clock := time.clock([time_parsed, "Europe/London"])
time_weekday := time.weekday(time_parsed)
time_add := time.add_date(time.parse_rfc3339_ns("2024-01-31T00:00:00Z"), 0, 1, 0)
time_diff := time.diff(time.parse_rfc3339_ns("2020-02-29T00:00:00Z"), time.parse_rfc3339_ns("2024-03-01T12:34:56Z"))
time_dur := [time.parse_duration_ns("1h2m3.5s"), time.parse_duration_ns("1.5us"), time.parse_duration_ns("-2µs")]
re_replace := regex.replace("a1b22c333", "[0-9]+", "<$0>")
re_find := regex.find_n("\\\\pL+", "héllo wörld 42 ok", -1)
re_sub := regex.find_all_string_submatch_n("(\\\\w)(\\\\d)", "a1 b2 c3", 2)
re_split := regex.split("\\\\s*,\\\\s*", "a , b,c ,d")
re_match := [regex.match("(?i)^ABC$", "abc"), regex.match("^a{2,3}$", "aaaa"), regex.is_valid("(?P<n>x)"), regex.is_valid("(?=x)")]
re_template := regex.template_match("urn:foo:{.*}", "urn:foo:bar:baz", "{", "}")
re_globs := regex.globs_match("a.a.[0-9]+z", ".*.[a-z]+")
globs := [glob.match("*.github.com", [], "api.github.com"), glob.match("*.github.com", null, "api.cdn.github.com"), glob.match("{cat,bat}[0-9]", ["."], "bat7"), glob.quote_meta("*.x?")]
nets := [net.cidr_contains("10.0.0.0/8", "10.1.2.3"), net.cidr_intersects("192.168.0.0/16", "192.168.1.0/24"), net.cidr_expand("192.168.1.0/30")]
semvers := [semver.compare("1.2.3-alpha.10", "1.2.3-alpha.9"), semver.is_valid("01.2.3")]
unit_values := [units.parse("10Ki"), units.parse_bytes("1.5GB"), units.parse("1m")]
yaml_text := yaml.marshal({"b": [1, {"c": null}], "a": "x: y"})
json_values := [json.patch({"a": {"b": 1}}, [{"op": "add", "path": "/a/c", "value": 2}]), json.marshal_with_options({"b": 1, "a": [1]}, {"pretty": true, "indent": "  "})]
misc := [strings.count("cheese", "e"), object.subset({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}), numbers.range_step(1, 10, 4), urlquery.encode_object({"b": ["x y", "z"], "a": "é"})]
`;
    const got = await threeWays('agree', source, { user: 'ann' });
    expect(got.opa).toBeDefined();
    expect(JSON.stringify(got.wasm)).toBe(JSON.stringify(got.opa));
    expect(JSON.stringify(got.native)).toBe(JSON.stringify(got.opa));
  });
});
