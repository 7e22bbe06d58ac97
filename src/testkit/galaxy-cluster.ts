// A MISP galaxy cluster file's JSON with the fields the loader reads, for tests that need a small galaxy.

/** One galaxy entry: its name, synonyms and (for actors) country. */
export interface GalaxyValue {
  readonly value: string;
  readonly synonyms?: readonly string[];
  readonly country?: string;
}

/** A cluster of galaxy `type` (threat-actor, malpedia, tool …) holding `values`, with deterministic uuids. */
export function galaxyCluster(type: string, values: readonly GalaxyValue[], version = 1): Record<string, unknown> {
  return {
    type,
    name: type,
    uuid: '00000000-0000-4000-8000-000000000001',
    version,
    values: values.map((v, i) => ({
      value: v.value,
      uuid: `00000000-0000-4000-8000-${String(i + 10).padStart(12, '0')}`,
      meta: { synonyms: v.synonyms ?? [], ...(v.country ? { country: v.country } : {}) },
    })),
  };
}
