// The claims ledger: who claims what about whom. From each sentence that names an actor, an attribution target
// (a country or another actor) and a claimant (a vendor, agency or outlet, or the document's source), with an
// attribution cue, record the claim and map its hedging words to a confidence. A sentence that names an actor with
// an organisation it attacks (by the knowledge graph) and an attribution cue or the actor's own claim (犯行声明)
// records who is named for that attack.
import { isTitleSentence } from '../core/document.js';
import { ATTACK_BY, CLAIMED_ATTACK } from '../extract/extract-document.js';
import type { GraphStore, StoredDocument } from '../store/graph-store.js';

export interface Claim {
  readonly claimant: string;
  readonly subject: string;
  readonly object: string;
  /**
   * attributed-to: an actor to a state or its service; linked-to: an actor to another actor; attack-attributed-to:
   * the attack on an organisation (the subject) to an actor (the object).
   */
  readonly relation: 'attributed-to' | 'linked-to' | 'attack-attributed-to';
  /** 0–100 from the hedging words ("likely" 70, "suspected" 40, 特定 90 …). */
  readonly confidence: number;
  readonly hedge?: string;
  readonly negated: boolean;
  readonly document: string;
  readonly published?: string;
  readonly sentence: string;
  readonly start: number;
  readonly end: number;
}

export interface LedgerEntry {
  readonly subject: string;
  readonly object: string;
  readonly relation: Claim['relation'];
  readonly claims: readonly Claim[];
  /** Distinct claimants asserting it (not negated). */
  readonly claimants: readonly string[];
  /** Other objects claimed for the same subject and relation by other claimants. */
  readonly contradictedBy: readonly string[];
  readonly firstSeen?: string;
  readonly latestSeen?: string;
  /** Later documents that only repeat an earlier report of the same claimant's claim (not independent). */
  readonly repeatedBy: readonly string[];
}

const ATTRIBUTION =
  /\b(?:attribut\w*|involv\w*|behind|responsible|sponsored|state-sponsored|backed|nexus|linked|links?|tied|ties|connected|associated|overlap\w*|aligned)\b|関与|背後|帰属|関連|支援を受け|特定|を背景|犯行/i;
/** Most hedged first: "assessed … suspected to involve China" is a suspicion, whatever else the sentence says. */
const HEDGES: readonly [RegExp, number][] = [
  [/\b(?:low confidence|suspected|possibly|possible|may|might|could|potential(?:ly)?|alleged(?:ly)?)\b|疑い|疑われ|可能性(?!が高い)/i, 40],
  [/\b(?:moderate confidence|likely|probably|believed?|assess(?:es|ed)?)\b|とみられ|と考えられ|可能性が高い|評価/i, 70],
  [/\b(?:high confidence|confirmed|determined|identified|concluded)\b|特定した|断定|確認した/i, 90],
];
const NEGATION = /\b(?:not|no|denied|denies|rejected|did not|didn't|cannot)\b|ない|なかった|否定/i;
const ACTOR_TYPES = new Set(['intrusion-set', 'threat-actor', 'campaign']);
/** Who can be named for an attack: actors, and ransomware, whose family names its gang ("BlackSuit claimed the attack"). */
const ATTACKER_TYPES = new Set([...ACTOR_TYPES, 'malware']);
const CLAIMANT_ROLES = new Set(['security-vendor', 'government-agency', 'media', 'ngo', 'international-body']);

/** Hedging word and confidence of a sentence (plain assertions count as 80). */
export function hedgeOf(sentence: string): { confidence: number; hedge?: string } {
  for (const [re, confidence] of HEDGES) {
    const m = re.exec(sentence);
    if (m) return { confidence, hedge: m[0] };
  }
  return { confidence: 80 };
}

/** Claims made in one stored document. */
export async function claimsOf(store: GraphStore, doc: StoredDocument): Promise<Claim[]> {
  const mentions = await store.mentions({ documentId: doc.id });
  const objects = new Map<string, { type: string; name: string; roles: string[]; sector: boolean }>();
  for (const id of new Set(mentions.map((m) => m.objectId))) {
    const o = await store.getObject(id);
    if (o)
      objects.set(id, {
        type: o.type,
        name: o.name,
        roles: Array.isArray(o.stix.x_kizashi_roles) ? (o.stix.x_kizashi_roles as string[]) : [],
        sector: o.stix.identity_class === 'class',
      });
  }
  const bySentence = new Map<number, typeof mentions>();
  for (const m of mentions) bySentence.set(m.sentenceStart, [...(bySentence.get(m.sentenceStart) ?? []), m]);
  // Whom each actor attacks, by the knowledge graph (asked once per actor, only for sentences with a cue).
  const victimsOf = new Map<string, Promise<Set<string>>>();
  const attackedBy = (actorId: string): Promise<Set<string>> => {
    let victims = victimsOf.get(actorId);
    if (!victims) {
      victims = store
        .relationships(actorId)
        .then(
          (rs) =>
            new Set(
              rs
                .filter((r) => r.stix.relationship_type === 'targets' && r.stix.source_ref === actorId)
                .map((r) => String(r.stix.target_ref)),
            ),
        );
      victimsOf.set(actorId, victims);
    }
    return victims;
  };
  const documentOrganisations = [...objects].filter(([, o]) => o.type === 'identity' && !o.sector).map(([id, o]) => ({ id, name: o.name }));
  const claims: Claim[] = [];
  for (const [start, items] of bySentence) {
    const sentence = items[0]?.sentence ?? '';
    const attribution = ATTRIBUTION.test(sentence);
    const selfClaim = CLAIMED_ATTACK.test(sentence);
    if (!attribution && !selfClaim) continue;
    const typed = items.map((m) => ({ m, o: objects.get(m.objectId) })).filter((x) => x.o !== undefined);
    const claimantIn = (exclude: string): string =>
      typed.find((x) => x.o?.type === 'identity' && x.o.name !== exclude && x.o.roles.some((r) => CLAIMANT_ROLES.has(r)))?.o?.name ??
      doc.source ??
      'unknown source';
    const { confidence, hedge } = hedgeOf(sentence);
    const negated = NEGATION.test(sentence);
    const claim = (claimant: string, subject: string, relation: Claim['relation'], object: string): Claim => ({
      claimant,
      subject,
      object,
      relation,
      confidence,
      negated,
      document: doc.id,
      sentence,
      start,
      end: start + sentence.length,
      ...(hedge ? { hedge } : {}),
      ...(doc.published ? { published: doc.published } : {}),
    });
    // An attack on an organisation the graph says the actor targets, claimed by the actor itself (犯行声明, "claimed
    // responsibility") or attributed by somebody ("FBI attributes the DMM Bitcoin theft to TraderTraitor").
    const attackers = typed.filter((x) => ATTACKER_TYPES.has(x.o?.type ?? ''));
    const organisations = typed
      .filter((x) => x.o?.type === 'identity' && !x.o.sector)
      .map((x) => ({ id: x.m.objectId, name: x.o?.name ?? '' }));
    for (const attacker of attackers) {
      if (!attacker.o) continue;
      const victims = await attackedBy(attacker.m.objectId);
      // A gang's own claim names no victim when the story already has ("Qilin claimed the attack"), nor does one
      // that says who the attack was by ("The intrusion was later attributed to Silk Typhoon"): either is about the
      // attacks on the organisations of the document it targets.
      const named = organisations.filter((o) => victims.has(o.id));
      const aboutTheAttack = selfClaim || (attribution && ATTACK_BY.test(sentence));
      const claimed = named.length > 0 || !aboutTheAttack ? named : documentOrganisations.filter((o) => victims.has(o.id));
      for (const victim of claimed) {
        const claimant = selfClaim ? attacker.o.name : claimantIn(victim.name);
        if (claims.some((c) => c.subject === victim.name && c.object === attacker.o?.name && c.start === start)) continue;
        claims.push(claim(claimant, victim.name, 'attack-attributed-to', attacker.o.name));
      }
    }
    if (!attribution) continue;
    const actors = typed.filter((x) => ACTOR_TYPES.has(x.o?.type ?? ''));
    const subject = actors[0];
    if (!subject?.o) continue;
    // A country is the claimed origin only next to the cue: "attributed to China" / "中国の関与" (not the victims).
    const cue = ATTRIBUTION.exec(sentence);
    const cueAt = start + (cue?.index ?? 0);
    const nearCue = (m: { start: number; end: number }): boolean =>
      (m.start >= cueAt && m.start - cueAt <= 60) || (m.end <= cueAt && cueAt - m.end <= 12);
    const targets = [
      // A country, or a state's intelligence or military service ("attributed to GRU Unit 74455", 国家安全部の関与).
      ...typed
        .filter((x) => (x.o?.type === 'location' || x.o?.roles.includes('intelligence-service')) && nearCue(x.m))
        .map((x) => ({ x, relation: 'attributed-to' as const })),
      ...actors.slice(1).map((x) => ({ x, relation: 'linked-to' as const })),
    ];
    for (const { x, relation } of targets) {
      if (!x.o || x.o.name === subject.o.name) continue;
      claims.push(claim(claimantIn(''), subject.o.name, relation, x.o.name));
    }
  }
  // A headline states what its body says with the hedges cut ("links MirrorFace to China" over "is suspected to
  // involve China"): where the body makes the same claim, the body's words are the claim.
  const fromTitle = claims.map((c) => isTitleSentence(doc.title, c.sentence));
  const inBody = new Set(claims.filter((_, i) => !fromTitle[i]).map(claimKey));
  return claims.filter((c, i) => !fromTitle[i] || !inBody.has(claimKey(c)));
}

/** What a claim asserts, whoever claims it: "MirrorFace|attributed-to|China". */
function claimKey(c: Claim): string {
  return `${c.subject}|${c.relation}|${c.object}`;
}

/**
 * Group claims by (subject, relation, object): who agrees, who contradicts (another country for the same actor,
 * another actor for the same attack), when.
 */
export function buildLedger(claims: readonly Claim[]): LedgerEntry[] {
  const linked = new Set(
    claims.filter((c) => c.relation === 'linked-to' && !c.negated).flatMap((c) => [`${c.subject}|${c.object}`, `${c.object}|${c.subject}`]),
  );
  const groups = new Map<string, Claim[]>();
  for (const c of claims) groups.set(claimKey(c), [...(groups.get(claimKey(c)) ?? []), c]);
  return [...groups.values()].map((list) => {
    const first = list[0];
    const subject = first?.subject ?? '';
    const object = first?.object ?? '';
    const relation = first?.relation;
    const dates = list
      .map((c) => c.published)
      .filter((d): d is string => d !== undefined)
      .sort();
    // Another state for the same actor, or another actor for the same attack, unless a claim links the two actors.
    const contradictedBy = [
      ...new Set(
        claims
          .filter(
            (c) =>
              c.subject === subject &&
              c.relation === relation &&
              relation !== 'linked-to' &&
              c.object !== object &&
              !c.negated &&
              !linked.has(`${c.object}|${object}`),
          )
          .map((c) => c.object),
      ),
    ];
    // The same claimant's claim reported again in a later document is a repetition, not an independent source.
    const ordered = [...list].sort((a, b) => (a.published ?? '').localeCompare(b.published ?? ''));
    const repeatedBy = [
      ...new Set(
        ordered
          .filter((c, i) =>
            ordered
              .slice(0, i)
              .some((e) => e.claimant === c.claimant && e.document !== c.document && (e.published ?? '') <= (c.published ?? '')),
          )
          .map((c) => c.document),
      ),
    ];
    return {
      subject,
      object,
      relation: relation ?? 'attributed-to',
      repeatedBy,
      claims: list,
      claimants: [...new Set(list.filter((c) => !c.negated).map((c) => c.claimant))],
      contradictedBy,
      ...(dates[0] ? { firstSeen: dates[0] } : {}),
      ...(dates.length > 0 ? { latestSeen: dates[dates.length - 1] } : {}),
    };
  });
}
