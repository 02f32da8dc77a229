import { describe, expect, it } from 'vitest';
import { RObject, parseJSONText, type Value } from '@policy-engine/rego-value';
import { calls, disagreements } from './oracle.js';

const vars = parseJSONText(
  JSON.stringify({
    name: 'alice',
    n: 0,
    big: 1234567890123,
    f: 1.5,
    t: true,
    no: false,
    e: '',
    nul: null,
    list: ['a', 'b'],
    empty: [],
    obj: { k: 'v', z: 1 },
    nested: { a: { b: 'deep' } },
  }),
) as RObject;

const templates = [
  'hello {{.name}}',
  '{{.n}} {{.big}} {{.f}} {{.t}} {{.nul}} {{.missing}}',
  '{{.list}} {{.obj}} {{.empty}} {{.nested}}',
  '{{if .n}}zero is a json.Number, so true{{end}}',
  '{{if .no}}x{{else if .e}}y{{else}}z{{end}}',
  '{{range $i, $v := .list}}{{if $i}},{{end}}{{$i}}={{$v}}{{end}}',
  '{{range .empty}}x{{else}}none{{end}}',
  '{{range $k, $v := .obj}}{{$k}}:{{$v}};{{end}}',
  '{{with .nested.a}}{{.b}}{{end}}{{with .missing}}no{{else}}else{{end}}',
  '{{$x := .name}}{{$x}} {{$}}',
  '{{len .list}} {{len .name}} {{index .list 1}} {{index .obj "k"}}',
  '{{printf "%s-%d" .name 3}} {{print 1 2 "a" "b"}} {{println .name}}',
  '{{eq .name "alice"}} {{ne 1 2}} {{lt 1 2}} {{and .t .name}} {{or .no .e}} {{not .t}}',
  '{{.name | printf "%q"}}',
  'a  {{- .name -}}  b',
  '{{/* a comment */}}x',
  '{{.nested.a.b}} {{.nested.missing.b}}',
  '{{.name.x}}',
  '{{if}}',
  '{{.name',
  '{{end}}',
  '{{nofunc 1}}',
  '{{range .list}}',
];

describe('strings.render_template (Go text/template)', () => {
  it('agrees with OPA on hand-picked templates and errors', async () => {
    const args: Value[][] = [...templates.map((t): Value[] => [t, vars]), ['{{.a}}', new RObject([['a', 1]])], [1, vars], ['x', 'notobj']];
    expect((await disagreements(calls('strings.render_template', args))).join('\n')).toBe('');
  }, 120_000);
});
