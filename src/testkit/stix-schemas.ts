// Test kit: validates STIX objects against the OASIS STIX 2.1 JSON schemas in ../shared (loaded at run time).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The shared data folder beside the repository (or $KIZASHI_SHARED). */
export const SHARED_DIR = resolve(process.env.KIZASHI_SHARED ?? join(import.meta.dirname, '../../../shared'));
export const SCHEMA_DIR = join(SHARED_DIR, 'data/eval/stix2-json-schemas/schemas');
export const HAS_SCHEMAS = existsSync(SCHEMA_DIR);
/** The JSON schema kizashi publishes for its policy-instrument extension SDO. */
export const POLICY_SCHEMA = join(import.meta.dirname, '../../schemas/x-kizashi-policy-instrument.json');
export const HAS_SHARED_DATA = existsSync(join(SHARED_DIR, 'data/attack/enterprise-attack.json'));

let validators: Map<string, ValidateFunction> | undefined;

function load(): Map<string, ValidateFunction> {
  if (validators) return validators;
  // The OASIS schemas escape "-" in patterns, which is invalid with the u flag: compile without it.
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const byType = new Map<string, string>();
  for (const folder of ['common', 'sdos', 'sros', 'observables']) {
    for (const file of readdirSync(join(SCHEMA_DIR, folder))) {
      const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, folder, file), 'utf8')) as { $id: string };
      ajv.addSchema(schema);
      if (folder !== 'common') byType.set(file.replace(/\.json$/, ''), schema.$id);
    }
  }
  byType.set(
    'extension-definition',
    'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/extension-definition.json',
  );
  // kizashi's extension SDO: the STIX core properties (OASIS core.json) and the schema kizashi publishes.
  const policy = JSON.parse(readFileSync(POLICY_SCHEMA, 'utf8')) as { $id: string };
  ajv.addSchema(policy);
  const core = ajv.getSchema('http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/core.json');
  const own = ajv.getSchema(policy.$id);
  validators = new Map();
  if (core && own) {
    const both = ((o: unknown) => {
      const ok = core(o) && own(o);
      both.errors = [...(core.errors ?? []), ...(own.errors ?? [])];
      return ok;
    }) as ValidateFunction;
    validators.set('x-kizashi-policy-instrument', both);
  }
  for (const [type, id] of byType) {
    const v = ajv.getSchema(id);
    if (v) validators.set(type, v);
  }
  return validators;
}

/** Schema errors of one STIX object ([] when valid); unknown types are an error too. */
export function stixObjectErrors(object: { type: string; id?: string }): string[] {
  const name = object.id ?? object.type;
  const v = load().get(object.type);
  if (!v) return [`${name}: no OASIS schema for type ${object.type}`];
  if (v(object)) return [];
  return (v.errors ?? []).map((e) => `${name}${e.instancePath} ${e.message ?? ''}`);
}

/** Schema errors of every object of a bundle, plus the bundle envelope checks. */
export function bundleErrors(bundle: { type: string; id: string; objects: readonly { type: string; id?: string }[] }): string[] {
  const errors: string[] = [];
  if (bundle.type !== 'bundle' || !/^bundle--[0-9a-f-]{36}$/.test(bundle.id)) errors.push(`bad bundle envelope ${bundle.id}`);
  for (const o of bundle.objects) errors.push(...stixObjectErrors(o));
  return errors;
}
