import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, serializeManifest, validateManifest } from '../../../main/packs/manifest';
import { refreshManifest } from '../../../main/packs/author';
import { builtinLabsDir } from '../../../main/paths';
import { manifestFor } from './fixtures';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../../main/packs/labpack.schema.json'), 'utf8'));
const schemaValidate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const valid = () => structuredClone(manifestFor().manifest);

/** [what, change, the field the error must name, whether JSON Schema can express the rule too] */
const cases: [string, (m: Record<string, unknown>) => void, string, boolean][] = [
  ['missing id', (m) => delete m.id, 'id', true],
  ['an id with capitals', (m) => (m.id = 'Demo'), 'id', true],
  ['a version that is not semver', (m) => (m.version = '1.0'), 'version', true],
  ['an empty title', (m) => (m.title = ''), 'title', true],
  ['no topics', (m) => (m.topics = []), 'topics', true],
  ['a topic that is not a string', (m) => (m.topics = [3]), 'topics[0]', true],
  ['fractional minutes', (m) => (m.estimatedMinutes = 2.5), 'estimatedMinutes', true],
  ['zero minutes', (m) => (m.estimatedMinutes = 0), 'estimatedMinutes', true],
  ['no notebooks', (m) => (m.notebooks = []), 'notebooks', true],
  ['a notebook that is not .ipynb', (m) => (m.notebooks = ['demo-lab.py']), 'notebooks[0]', true],
  ['a dataset with an unknown format', (m) => ((m.datasets as Record<string, unknown>[])[0].format = 'xlsx'), 'datasets[0].format', true],
  ['a dataset with negative rows', (m) => ((m.datasets as Record<string, unknown>[])[0].rows = -1), 'datasets[0].rows', true],
  ['a dataset with an unknown field', (m) => ((m.datasets as Record<string, unknown>[])[0].colour = 'red'), 'datasets[0].colour', true],
  ['a hash that is not hex', (m) => ((m.files as Record<string, string>)['data/points.csv'] = 'xyz'), 'files["data/points.csv"]', true],
  ['a file path with ..', (m) => ((m.files as Record<string, string>)['../evil.sh'] = 'a'.repeat(64)), 'files["../evil.sh"]', true],
  ['an absolute file path', (m) => ((m.files as Record<string, string>)['/etc/passwd'] = 'a'.repeat(64)), 'files["/etc/passwd"]', true],
  ['a backslash path', (m) => ((m.files as Record<string, string>)['a\\b.txt'] = 'a'.repeat(64)), 'files["a\\b.txt"]', true],
  ['a Windows device name', (m) => ((m.files as Record<string, string>)['nul.txt'] = 'a'.repeat(64)), 'files["nul.txt"]', true],
  ['the manifest listing itself', (m) => ((m.files as Record<string, string>)['labpack.json'] = 'a'.repeat(64)), 'files["labpack.json"]', true],
  ['an unknown field (a typo)', (m) => (m.licenses = 'MIT'), 'licenses', true],
  ['an unknown schema version', (m) => (m.schemaVersion = 2), 'schemaVersion', true],
  ['a notebook not listed in files', (m) => (m.notebooks = ['other.ipynb']), 'notebooks[0]', false],
  ['a dataset not listed in files', (m) => ((m.datasets as Record<string, unknown>[])[0].path = 'data/other.csv'), 'datasets[0].path', false],
  ['two paths that differ only in case', (m) => ((m.files as Record<string, string>)['Data/points.csv'] = 'a'.repeat(64)), 'files["Data/points.csv"]', false],
  ['an app range this app cannot read', (m) => (m.app = 'latest'), 'app', false],
];

describe('the labpack.json manifest', () => {
  it('accepts a complete manifest, in the code and in the JSON Schema alike', () => {
    const m = valid();
    expect(validateManifest(m, 'labpack.json').id).toBe('demo-lab');
    expect(schemaValidate(m), JSON.stringify(schemaValidate.errors)).toBe(true);
  });

  for (const [what, change, field, inSchema] of cases) {
    it(`refuses ${what}, naming the field "${field}"${inSchema ? ', as the JSON Schema does' : ''}`, () => {
      const m = valid();
      change(m);
      let error: unknown;
      try {
        validateManifest(m, 'pack/labpack.json');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as Error).message).toContain(`pack/labpack.json: field "${field}"`);
      expect((error as ManifestError).field).toBe(field);
      // the schema states every rule it can; the rest are cross-field rules only the code checks
      expect(schemaValidate(m)).toBe(!inSchema);
    });
  }

  it('says an unknown schema version needs a newer app', () => {
    const m = { ...valid(), schemaVersion: 7 };
    expect(() => validateManifest(m, 'x/labpack.json')).toThrow(/field "schemaVersion" is 7, an unknown manifest schema version: this app reads version 1\. Update mlsys-lab/);
  });

  it('names JSON syntax errors', () => {
    expect(() => parseManifest('{"id": ', 'x/labpack.json')).toThrow(/x\/labpack\.json: field "\(root\)" is not valid JSON/);
  });

  it('serializes in schema order with files sorted, so rewrites are stable', () => {
    const m = validateManifest(valid(), 'labpack.json');
    const text = serializeManifest(m);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(schema.properties));
    expect(Object.keys(JSON.parse(text).files)).toEqual(['data/points.csv', 'demo-lab.ipynb']);
    expect(serializeManifest(parseManifest(text, 'labpack.json'))).toBe(text);
  });

  it('keeps every built-in lab valid against the schema, with current hashes', async () => {
    const labs = readdirSync(builtinLabsDir(), { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(labs.length).toBeGreaterThan(0);
    for (const lab of labs) {
      const dir = join(builtinLabsDir(), lab.name);
      const raw = JSON.parse(readFileSync(join(dir, 'labpack.json'), 'utf8'));
      expect(schemaValidate(raw), `${lab.name}: ${JSON.stringify(schemaValidate.errors)}`).toBe(true);
      const r = await refreshManifest(dir, { dryRun: true });
      expect({ lab: lab.name, changed: r.changed, added: r.added, removed: r.removed, updated: r.updated }).toEqual({ lab: lab.name, changed: false, added: [], removed: [], updated: [] });
    }
  });
});
