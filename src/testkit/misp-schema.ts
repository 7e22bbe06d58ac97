// Test kit: checks a MISP event against MISP's published format (../shared/data/eval/misp-format): the event JSON
// schema (draft-04, compiled by ajv without its $schema line) plus the attribute rules of describeTypes.json — every
// type known, every category known and allowed for that type — and the uuid shapes MISP requires.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { SHARED_DIR } from './stix-schemas.js';

const DIR = join(SHARED_DIR, 'data/eval/misp-format');
export const HAS_MISP_FORMAT = existsSync(join(DIR, 'schema.json'));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface DescribeTypes {
  result: { types: string[]; categories: string[]; category_type_mappings: Record<string, string[]> };
}

/** Errors of a MISP event ({ "Event": … }); [] when it conforms. */
export function mispEventErrors(event: unknown): string[] {
  const { $schema: _s, id: _id, ...schema } = JSON.parse(readFileSync(join(DIR, 'schema.json'), 'utf8')) as Record<string, unknown>;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const errors = validate(event) ? [] : (validate.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message ?? ''}`);
  const types = (JSON.parse(readFileSync(join(DIR, 'describeTypes.json'), 'utf8')) as DescribeTypes).result;
  const e = (event as { Event?: { uuid?: string; Attribute?: { type: string; category: string; value: string; uuid: string }[] } }).Event;
  if (!e) return [...errors, 'no Event'];
  if (!UUID.test(e.uuid ?? '')) errors.push(`Event.uuid ${e.uuid ?? ''} is not a UUID`);
  for (const a of e.Attribute ?? []) {
    if (!types.types.includes(a.type)) errors.push(`attribute type ${a.type} unknown to MISP`);
    if (!types.categories.includes(a.category)) errors.push(`attribute category ${a.category} unknown to MISP`);
    else if (!(types.category_type_mappings[a.category] ?? []).includes(a.type))
      errors.push(`attribute type ${a.type} not allowed in category ${a.category}`);
    if (a.value === '') errors.push(`attribute ${a.uuid} has an empty value`);
    if (!UUID.test(a.uuid)) errors.push(`attribute uuid ${a.uuid} is not a UUID`);
  }
  return errors;
}
