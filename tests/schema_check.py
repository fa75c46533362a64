"""wenshu schema layout|data, checked: each is a valid JSON Schema
(draft-07), every shipped layout and sample data file validates against
it, and the mistakes a clerk makes are flagged where wenshu refuses them.

Run by meson (tests/meson.build) with Debian's python3 and its
python3-jsonschema and python3-yaml (tools/debian-packages.txt):
    schema_check.py WENSHU SOURCE_DIR

Files are read as YAML 1.2 reads them (as wenshu does): only true/false
are booleans, dates and times stay text; PyYAML's YAML 1.1 rules (no: is
false, 08:30 is 510) would test another language."""
import glob
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

wenshu, src = sys.argv[1], sys.argv[2]


class Yaml12Loader(yaml.SafeLoader):
    pass


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in (
        'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float')]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'),
                                   list('tTfF'))
Yaml12Loader.add_implicit_resolver('tag:yaml.org,2002:int', re.compile(r'^[-+]?(?:0|[1-9][0-9]*)$'),
                                   list('-+0123456789'))
Yaml12Loader.add_implicit_resolver('tag:yaml.org,2002:float',
                                   re.compile(r'^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?$'),
                                   list('-+0123456789.'))


def load(path):
    with open(path, encoding='utf-8') as f:
        return yaml.load(f, Loader=Yaml12Loader)


def schema(topic):
    out = subprocess.run([wenshu, 'schema', topic], check=True, capture_output=True, text=True).stdout
    s = json.loads(out)
    jsonschema.Draft7Validator.check_schema(s)
    return jsonschema.Draft7Validator(s)


failures = []


def expect_valid(v, path, doc=None):
    doc = load(path) if doc is None else doc
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        failures.append(f'{path}: {"/".join(map(str, e.path))}: {e.message[:300]}')
    return not errs


def expect_invalid(v, name, doc, where):
    errs = list(v.iter_errors(doc))
    if not errs:
        failures.append(f'{name}: the schema accepts it')
    elif not any(where in '/'.join(map(str, e.absolute_path)) + ' ' + e.message for e in errs):
        failures.append(f'{name}: flagged, but not at {where}: {[e.message[:120] for e in errs]}')


layout = schema('layout')
data = schema('data')

layouts = sorted(glob.glob(os.path.join(src, 'layouts', '*.yaml')))
layouts = [p for p in layouts if os.path.basename(p) != 'packets.yaml']
assert len(layouts) >= 9, layouts
for p in layouts:
    expect_valid(layout, p)
samples = sorted(glob.glob(os.path.join(src, 'examples', 'data', '*.yaml')) +
                 glob.glob(os.path.join(src, 'tests', 'data', 'group-30.yaml')))
assert len(samples) >= 4, samples
for p in samples:
    if os.path.basename(p) == 'invalid.yaml':
        expect_invalid(data, p, load(p), 'applicants/1/gender')  # 性别 X
    else:
        expect_valid(data, p)

# The mistakes of the tutorial and of docs/fields.md, flagged as typed.
receipt = load(os.path.join(src, 'layouts', 'passport-receipt.yaml'))
table = next(e for e in receipt['elements'] if 'table' in e)
table['table']['colums'] = table['table'].pop('columns')
expect_invalid(layout, 'colums', receipt, 'colums')
expect_invalid(layout, 'align: centre', {'wenshu': 1, 'elements': [{'text': 'x', 'align': 'centre'}]}, 'centre')
expect_invalid(layout, 'unknown element type', {'wenshu': 1, 'elements': [{'txet': 'x'}]}, 'elements/0')
expect_invalid(layout, 'top-level typo', {'wenshu': 1, 'element': []}, 'element')
expect_invalid(layout, 'keep_together: yes', {'wenshu': 1, 'elements': [{'text': 'x', 'keep_together': 'yes'}]},
               'keep_together')
group = load(os.path.join(src, 'examples', 'data', 'self-beijing.yaml'))
group['group']['route'] = 'selfe'
expect_invalid(data, 'route: selfe', group, 'route')
group = load(os.path.join(src, 'examples', 'data', 'self-beijing.yaml'))
group['group']['applicants'][0]['date_of_birth'] = '1980/01/01'
expect_invalid(data, 'date_of_birth 1980/01/01', group, 'date_of_birth')
expect_invalid(data, 'no group_id', {'group': {'route': 'self'}}, 'group_id')
expect_invalid(data, 'grops:', {'grops': []}, 'grops')

# The plugins' element types are in the language.
assert 'barcode' in layout.schema['definitions']['types']['properties'], 'no barcode element'

if failures:
    print('\n'.join(failures))
    sys.exit(1)
print(f'{len(layouts)} layouts and {len(samples)} data files validate; the usual mistakes are flagged')
