import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePolicy, loadPolicyCases, type Counts } from '../../scripts/eval/policy.js';
import { extractionToBundle } from '../export/stix-bundle.js';
import { parseStarterFile } from '../kb/load-starter.js';
import { openExtractor } from '../main.js';
import { bundleErrors, HAS_SCHEMAS, POLICY_SCHEMA } from '../testkit/stix-schemas.js';
import { extractDocument, type Extractor } from './extract-document.js';
import { findNewInstruments, stanceRelationshipType } from './policy.js';

let extractor: Extractor;
beforeAll(async () => {
  extractor = await openExtractor({ ignoreHome: true });
});

const f1 = (c: Counts): number => (2 * c.tp) / (2 * c.tp + c.fp + c.fn || 1);

describe('policy extraction on kizashi’s own test texts', () => {
  it('keeps the tuned (dev) figures', () => {
    const r = evaluatePolicy(extractor, loadPolicyCases('dev'));
    expect(r.cases).toBeGreaterThanOrEqual(25);
    expect(f1(r.instruments)).toBe(1);
    expect(f1(r.instrumentKinds)).toBe(1);
    expect(f1(r.stances)).toBeGreaterThanOrEqual(0.95);
    expect(f1(r.negatedStances)).toBeGreaterThanOrEqual(0.9);
    expect(f1(r.roles)).toBeGreaterThanOrEqual(0.95);
  });

  it('stays useful on the held-out texts', () => {
    const r = evaluatePolicy(extractor, loadPolicyCases('test'));
    expect(f1(r.instruments)).toBeGreaterThanOrEqual(0.9);
    expect(f1(r.stances)).toBeGreaterThanOrEqual(0.7);
    expect(f1(r.roles)).toBeGreaterThanOrEqual(0.7);
    // The second batch, written before the rules it measures.
    const second = evaluatePolicy(extractor, loadPolicyCases('test2'));
    expect(second.cases).toBe(16);
    expect(f1(second.instruments)).toBeGreaterThanOrEqual(0.9);
    expect(f1(second.stances)).toBeGreaterThanOrEqual(0.85);
  });

  it('covers every instrument kind and stance type, negation in both languages, and all three roles', () => {
    const cases = loadPolicyCases();
    const kinds = new Set(cases.flatMap((c) => (c.instruments ?? []).map((i) => i.kind)));
    expect([...kinds].sort()).toEqual(
      ['executive-order', 'guidance', 'industry-accord', 'law', 'multilateral-process', 'sanctions-listing', 'treaty'].sort(),
    );
    const stances = new Set(cases.flatMap((c) => (c.stances ?? []).map((s) => s.type)));
    expect(stances.size).toBe(7);
    for (const lang of ['ja', 'en']) expect(cases.some((c) => c.lang === lang && (c.stances ?? []).some((s) => s.negated))).toBe(true);
    expect(new Set(cases.flatMap((c) => (c.roles ?? []).map((r) => r.role)))).toEqual(
      new Set(['victim', 'infrastructure-provider', 'cyber-mercenary']),
    );
  });
});

describe('policy instruments in STIX', () => {
  const doc = {
    id: 'report--5f1b7a5e-3c1d-4f7e-9a0b-1c2d3e4f5a6b',
    title: 'Spyware and treaties',
    text: 'The Commerce Department added NSO Group to the Entity List. France did not sign the Lisbon Cyber Declaration. 日本は国連サイバー犯罪条約に署名した。',
    lang: 'en' as const,
    published: '2025-10-26T00:00:00.000Z',
    origin: 'test',
  };

  it('emits extension SDOs that validate against the published schema, and a bundle valid against OASIS', () => {
    const bundle = extractionToBundle(extractDocument(extractor, doc), new Date(doc.published));
    const instruments = bundle.objects.filter((o) => o.type === 'x-kizashi-policy-instrument');
    expect(instruments.map((o) => o.name).sort()).toEqual(['Entity List', 'Lisbon Cyber Declaration', 'UN Convention against Cybercrime']);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(POLICY_SCHEMA, 'utf8')) as object);
    for (const o of instruments) expect(validate(o), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...instruments[0], instrument_kind: 'wish' })).toBe(false);
    const extension = bundle.objects.find((o) => o.type === 'extension-definition');
    expect(extension).toMatchObject({ extension_types: ['new-sdo'] });
    for (const o of instruments) expect(Object.keys((o as { extensions: object }).extensions)).toEqual([extension?.id]);
    if (HAS_SCHEMAS) expect(bundleErrors(bundle)).toEqual([]);
    const rels = bundle.objects.filter((o) => o.type === 'relationship').map((o) => o.relationship_type);
    expect(rels).toEqual(expect.arrayContaining(['listed-under', 'does-not-sign', 'signs']));
    const un = instruments.find((o) => o.name === 'UN Convention against Cybercrime');
    expect(un).toMatchObject({ instrument_kind: 'treaty', key_dates: { adopted: '2024-12-24' } });
    const nso = bundle.objects.find((o) => o.type === 'identity' && o.name === 'NSO Group');
    expect(nso).toMatchObject({ x_kizashi_actor_roles: ['cyber-mercenary:spyware-vendor'] });
  });

  it('recognises unknown instruments by their shape, and names negated stances', () => {
    const found = findNewInstruments('The Tallinn Digital Accord and Executive Order 14028 and 日米サイバー協定 and This Act.');
    expect(found.map((f) => [f.name, f.kind])).toEqual([
      ['Executive Order 14028', 'executive-order'],
      ['Tallinn Digital Accord', 'industry-accord'],
      ['日米サイバー協定', 'treaty'],
    ]);
    // Japanese laws by the words that end their names; 手法 and 方法 are no laws.
    expect(
      findNewInstruments('港湾を経済安全保障推進法の対象に加え、不正アクセス禁止法違反で逮捕した。攻撃手法や対策法').map((f) => [
        f.name,
        f.kind,
      ]),
    ).toEqual([
      ['経済安全保障推進法', 'law'],
      ['不正アクセス禁止法', 'law'],
    ]);
    expect(stanceRelationshipType('signs', true)).toBe('does-not-sign');
    expect(stanceRelationshipType('criticizes', true)).toBe('does-not-criticize');
    expect(stanceRelationshipType('listed-under', true)).toBe('not-listed-under');
  });

  it('gives a party of a later sentence its own verb on an instrument named earlier, negated ones included', () => {
    const stances = (text: string, lang: 'ja' | 'en'): string[] => {
      const x = extractDocument(extractor, { ...doc, text, lang });
      const name = (key: string): string => x.entities.find((e) => e.entity.key === key)?.entity.name ?? key;
      return x.relations.map((r) => `${name(r.source)} ${r.negated ? 'NOT ' : ''}${r.type}`).sort();
    };
    expect(stances('国連サイバー犯罪条約の署名式が開かれた。欧州連合も署名したが、米国は署名を見送った。', 'ja')).toEqual([
      'European Union signs',
      'United States NOT signs',
    ]);
    expect(
      stances('States signed the Pall Mall Process. Japan was among the signatories, while the United States did not sign the code.', 'en'),
    ).toEqual(['Japan signs', 'United States NOT signs']);
    // A warning about something else in a later sentence criticises no instrument named before.
    expect(
      stances(
        'CISA issued Emergency Directive 25-03. The UK National Cyber Security Centre also warned that the attackers installed a bootkit.',
        'en',
      ),
    ).toEqual(['CISA proposes']);
  });

  it('gives a verb to the party before it, not to one named after the instrument', () => {
    const stances = (text: string): string[] => {
      const x = extractDocument(extractor, { ...doc, text });
      const name = (key: string): string => x.entities.find((e) => e.entity.key === key)?.entity.name ?? key;
      return x.relations.filter((r) => r.type === 'proposes').map((r) => `${name(r.source)} ${r.type} ${name(r.target)}`);
    };
    expect(stances("CISA issued Emergency Directive 24-01, ordering agencies to apply Ivanti's mitigations.")).toEqual([
      'CISA proposes Emergency Directive 24-01',
    ]);
    // Each emergency directive is an instrument of its own.
    expect(stances('CISA issued Emergency Directive 24-01 in January and Emergency Directive 25-03 in September.')).toEqual([
      'CISA proposes Emergency Directive 24-01',
      'CISA proposes Emergency Directive 25-03',
    ]);
    // With no party before the verb, the one after it is still its subject (a passive or fronted verb).
    expect(stances('Issued in 2024, Emergency Directive 24-01 came from CISA.')).toEqual(['CISA proposes Emergency Directive 24-01']);
  });

  it('rejects a starter instrument without a kind, naming the file and entry', () => {
    expect(() =>
      parseStarterFile({ kind: 'policy-instrument', entities: [{ name: 'X Treaty', instrument: { status: 'signed' } }] }, 'p.yaml'),
    ).toThrow(/p\.yaml: entry 1 \(X Treaty\): instrument\.kind must be one of/);
    expect(() =>
      parseStarterFile({ kind: 'identity', entities: [{ name: 'Ministry of Economy', 'Trade and Industry': null }] }, 'o.yaml'),
    ).toThrow(/has no value/);
  });
});

/** "Intellexa listed-under Entity List", "United States NOT signs …": every relationship of a text, by entity name. */
const relations = (text: string, lang: 'ja' | 'en'): string[] => {
  const x = extractDocument(extractor, { id: 'report--00000000-0000-4000-8000-000000000001', title: 't', text, lang, origin: 't' });
  const name = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
  return x.relations.map((r) => `${name.get(r.source)} ${r.negated ? 'NOT ' : ''}${r.type} ${name.get(r.target)}`);
};

describe('ransom payment measures, which news names by what they do', () => {
  it('are instruments named with the country that takes them, in English and Japanese, proposed by that country', () => {
    // The NHS is what the ban covers, not who proposes it.
    expect(
      relations('The UK government said it will ban public sector bodies, such as the NHS and local councils, from paying ransoms.', 'en'),
    ).toEqual(['United Kingdom proposes Ransom payment ban (United Kingdom)']);
    expect(relations('英国政府は、公的機関による身代金の支払いを禁止する方針を発表した。', 'ja')).toEqual([
      'United Kingdom proposes Ransom payment ban (United Kingdom)',
    ]);
    expect(relations('The UK decided not to ban ransom payments by companies.', 'en')).toEqual([
      'United Kingdom NOT proposes Ransom payment ban (United Kingdom)',
    ]);
    expect(relations('Australia will require businesses to report ransomware payments within 72 hours.', 'en')).toEqual([
      'Australia proposes Ransom payment reporting requirement (Australia)',
    ]);
    // Its Japanese name carries the country too, for a Japanese digest.
    const ja = extractDocument(extractor, {
      id: 'report--00000000-0000-4000-8000-000000000001',
      title: 't',
      text: '英国政府は、公的機関による身代金の支払いを禁止する方針を発表した。',
      lang: 'ja',
      origin: 't',
    });
    expect(ja.entities.find((e) => e.entity.kind === 'policy-instrument')?.entity.aliases.map((a) => a.value)).toEqual([
      'Ransom payment ban (United Kingdom)',
      '身代金支払い禁止（英国）',
    ]);
    // A measure that a named law or order lays down is that instrument's provision, not one more instrument.
    const instruments = (text: string, lang: 'ja' | 'en'): string[] =>
      extractDocument(extractor, { id: 'report--00000000-0000-4000-8000-000000000001', title: 't', text, lang, origin: 't' })
        .entities.filter((e) => e.entity.kind === 'policy-instrument')
        .map((e) => e.entity.name);
    expect(instruments('The Cyber Security Act obliges large businesses to report ransomware payments within 72 hours.', 'en')).toEqual([
      'Cyber Security Act',
    ]);
    expect(instruments('ランサムウェア対策推進法は、企業に身代金の支払いの報告を義務付ける。', 'ja')).toEqual(['ランサムウェア対策推進法']);
    expect(instruments('Executive Order 14999 requires agencies to report ransom payments.', 'en')).toEqual(['Executive Order 14999']);
    // Named after the measure, or in another sentence, the law leaves the measure its own.
    expect(
      instruments('Australia will require businesses to report ransomware payments. The Cyber Security Act passed later.', 'en').sort(),
    ).toEqual(['Cyber Security Act', 'Ransom payment reporting requirement (Australia)']);
    // A ban on something else, or ransom without a measure, is none.
    expect(relations('The UK will ban the sale of default passwords. Victims paid a ransom.', 'en')).toEqual([]);
  });
});

describe('designations by an agency that keeps a sanctions list', () => {
  const stances = (text: string, lang: 'ja' | 'en'): string[] => relations(text, lang).filter((r) => r.includes(' listed-under '));

  it('lists the designated on the list the agency keeps, though the text does not name it', () => {
    expect(stances('OFAC sanctioned Intellexa for selling the Predator spyware.', 'en')).toEqual([
      'Intellexa listed-under Specially Designated Nationals List',
    ]);
    expect(stances('米財務省は、暗号資産交換業者Garantexを制裁対象に指定した。', 'ja')).toEqual([
      'Garantex listed-under Specially Designated Nationals List',
    ]);
    // A list the sentence names wins; a sanctions programme is no designation; another agency's words list nothing.
    expect(stances('The Commerce Department added Intellexa to the Entity List.', 'en')).toEqual(['Intellexa listed-under Entity List']);
    expect(stances("OFAC's sanctions program was discussed with Intellexa.", 'en')).toEqual([]);
    expect(stances('Microsoft sanctioned the use of Intellexa tools in tests.', 'en')).toEqual([]);
  });

  it('takes no other stance on a list only implied by an earlier designation', () => {
    const text =
      'OFACはフィリピン拠点のFunnull Technologyを制裁対象に指定した。FBIは同日、同社に関連するドメインのリストを含む注意喚起を公表した。';
    expect(relations(text, 'ja')).toEqual(['Funnull Technology listed-under Specially Designated Nationals List']);
  });

  it("takes a stance on a sanctions list referred to as the decision, and reads the EU's own framework", () => {
    const text = "The EU imposed sanctions on three GRU officers under the EU's cyber sanctions framework. Estonia welcomed the decision.";
    expect(relations(text, 'en')).toContain('Estonia supports EU cyber sanctions regime');
  });
});

describe('actor roles of contractors', () => {
  it('reads a contractor the attack hit as a victim, and a hacking firm hired by a state as a mercenary', () => {
    const roles = (text: string, lang: 'ja' | 'en'): string[] => {
      const x = extractDocument(extractor, { id: 'report--00000000-0000-4000-8000-000000000002', title: 't', text, lang, origin: 't' });
      const name = new Map(x.entities.map((e) => [e.entity.key, e.entity.name]));
      return x.roles.map((r) => `${name.get(r.entity)}: ${r.role}${r.subtype ? ` (${r.subtype})` : ''}`);
    };
    expect(roles('業務委託先のイセトーは、ランサムウェア「8Base」による攻撃を受け、委託元の情報が流出したと発表した。', 'ja')).toEqual([
      'Iseto: victim',
    ]);
    // The victim is the subject of the clause that says it was hit, not an organisation of an earlier clause.
    expect(roles('攻撃者はAmazon Web Servicesのサーバーを経由して通信を隠し、アスクルはランサムウェア攻撃を受けた。', 'ja')).toEqual([
      'Askul: victim',
    ]);
    expect(
      roles('The attackers relayed their traffic through Cloudflare, while Asahi Group Holdings was hit by ransomware.', 'en'),
    ).toEqual(['Asahi Group Holdings: victim']);
    expect(roles('Asahi Group Holdings and its brewer Asahi Breweries were hit by ransomware.', 'en')).toEqual([
      'Asahi Group Holdings: victim',
    ]);
    expect(roles('i-Soon, a contractor hired by the Ministry of Public Security, ran APT41-style intrusions.', 'en')).toContain(
      'i-Soon: cyber-mercenary (offensive-contractor)',
    );
  });
});
