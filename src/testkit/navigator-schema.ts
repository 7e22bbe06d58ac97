// Test kit: a JSON schema for ATT&CK Navigator layer format 4.5, written from MITRE's published layer format
// definition (attack-navigator layers/spec/v4.5/layerformat.md): the properties, their types and the required ones.
import { Ajv2020 } from 'ajv/dist/2020.js';

const metadataItem = {
  oneOf: [
    {
      type: 'object',
      required: ['name', 'value'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, value: { type: 'string' } },
    },
    { type: 'object', required: ['divider'], additionalProperties: false, properties: { divider: { type: 'boolean' } } },
  ],
};
const link = {
  oneOf: [
    {
      type: 'object',
      required: ['label', 'url'],
      additionalProperties: false,
      properties: { label: { type: 'string' }, url: { type: 'string' } },
    },
    { type: 'object', required: ['divider'], additionalProperties: false, properties: { divider: { type: 'boolean' } } },
  ],
};

export const NAVIGATOR_LAYER_SCHEMA = {
  type: 'object',
  required: ['name', 'domain'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    versions: {
      type: 'object',
      additionalProperties: false,
      properties: { attack: { type: 'string' }, navigator: { type: 'string' }, layer: { const: '4.5' } },
    },
    description: { type: 'string' },
    domain: { enum: ['enterprise-attack', 'mobile-attack', 'ics-attack'] },
    filters: { type: 'object', properties: { platforms: { type: 'array', items: { type: 'string' } } } },
    sorting: { enum: [0, 1, 2, 3] },
    layout: { type: 'object' },
    hideDisabled: { type: 'boolean' },
    techniques: {
      type: 'array',
      items: {
        type: 'object',
        required: ['techniqueID'],
        additionalProperties: false,
        properties: {
          techniqueID: { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' },
          tactic: { type: 'string' },
          comment: { type: 'string' },
          enabled: { type: 'boolean' },
          score: { type: 'number' },
          color: { type: 'string' },
          metadata: { type: 'array', items: metadataItem },
          links: { type: 'array', items: link },
          showSubtechniques: { type: 'boolean' },
        },
      },
    },
    gradient: {
      type: 'object',
      required: ['colors', 'minValue', 'maxValue'],
      additionalProperties: false,
      properties: {
        colors: { type: 'array', minItems: 2, items: { type: 'string' } },
        minValue: { type: 'number' },
        maxValue: { type: 'number' },
      },
    },
    legendItems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'color'],
        additionalProperties: false,
        properties: { label: { type: 'string' }, color: { type: 'string' } },
      },
    },
    showTacticRowBackground: { type: 'boolean' },
    tacticRowBackground: { type: 'string' },
    selectTechniquesAcrossTactics: { type: 'boolean' },
    selectSubtechniquesWithParent: { type: 'boolean' },
    selectVisibleTechniques: { type: 'boolean' },
    metadata: { type: 'array', items: metadataItem },
    links: { type: 'array', items: link },
  },
} as const;

/** Schema errors of a Navigator layer ([] when valid). */
export function navigatorLayerErrors(layer: unknown): string[] {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(NAVIGATOR_LAYER_SCHEMA);
  return validate(layer) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
