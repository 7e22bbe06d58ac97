// Cyber policy in text: instruments the KB does not know yet (from their shape: "the X Process", 〜条約), the
// stances states, companies and NGOs take on instruments (supports, opposes, criticizes, signs, joins, proposes,
// is listed under — with negation: "did not sign", 賛同しなかった), and the roles actors play (victim, neutral
// infrastructure provider, cyber mercenary with its sponsor or customers). Pure functions over one document.
import type { InstrumentKind, KbEntity } from '../kb/entity.js';
import { execAll } from '../text/exec-all.js';
import type { Sentence } from '../text/sentences.js';

/** Instrument kinds nobody joins: one joins a treaty, a process or an accord. */
const NOT_JOINED = new Set(['law', 'executive-order', 'guidance', 'sanctions-listing']);

/**
 * What an organisation named beside an attack is when it does not suffer it (see findActorRoles): the source of the
 * report, the maker of the product attacked, or the service the attackers used (which may be a provider they abused).
 */
export type BystanderRole = 'reporter' | 'maker' | 'service';

export type StanceType = 'supports' | 'opposes' | 'criticizes' | 'signs' | 'joins' | 'proposes' | 'listed-under';
export const STANCE_TYPES: readonly StanceType[] = ['supports', 'opposes', 'criticizes', 'signs', 'joins', 'proposes', 'listed-under'];

export type ActorRoleName = 'victim' | 'infrastructure-provider' | 'cyber-mercenary';

export interface ActorRole {
  /** KB key of the entity. */
  readonly entity: string;
  readonly role: ActorRoleName;
  readonly subtype?: 'spyware-vendor' | 'offensive-contractor';
  readonly sentence: number;
}

/** An entity mention as the policy stage sees it. */
export interface PolicyItem {
  readonly entity: KbEntity;
  readonly start: number;
  readonly end: number;
  readonly alias: string;
}

export interface PolicyRelation {
  readonly type: StanceType | 'works-for' | 'supplies' | 'abuses';
  readonly negated: boolean;
  readonly source: string;
  readonly target: string;
  readonly confidence: number;
}

// --- New instruments from their shape ------------------------------------------------------------------------------

const EN_HEADS: Readonly<Record<string, InstrumentKind>> = {
  Convention: 'treaty',
  Treaty: 'treaty',
  Agreement: 'treaty',
  Act: 'law',
  Directive: 'law',
  Regulation: 'law',
  Process: 'multilateral-process',
  Declaration: 'multilateral-process',
  Initiative: 'multilateral-process',
  Accord: 'industry-accord',
  Pledge: 'industry-accord',
  Guidelines: 'guidance',
  Advisory: 'guidance',
};
const NEW_INSTRUMENT_EN =
  /\b((?:[A-Z][A-Za-z0-9'’-]{0,30} (?:(?:of|on|for|against|and) )?){1,5})(Convention|Treaty|Agreement|Act|Directive|Regulation|Process|Declaration|Initiative|Accord|Pledge|Guidelines|Advisory)\b/g;
const EXECUTIVE_ORDER = /\b(?:Executive Order|EO|E\.O\.) ?(1\d{4})\b|大統領令(?:第)?(1\d{4})号?/g;
/** CISA's emergency directives, one instrument each: "Emergency Directive 25-03", ED 24-01. */
const EMERGENCY_DIRECTIVE = /\b(?:Emergency Directive|ED) (\d{2}-\d{2})\b/g;
const JA_HEADS: Readonly<Record<string, InstrumentKind>> = {
  条約: 'treaty',
  協定: 'treaty',
  大統領令: 'executive-order',
  プロセス: 'multilateral-process',
  宣言: 'multilateral-process',
  合意文書: 'multilateral-process',
  共同声明: 'multilateral-process',
  指令: 'law',
  ガイドライン: 'guidance',
};
/** Laws by the words that end their names (経済安全保障推進法, 不正アクセス禁止法); "法" alone ends 手法 and 方法 too. */
const JA_LAW_HEAD = '(?:推進|基本|保護|禁止|対策|防御|措置|整備|規制|強化|処罰|促進)法';
const NEW_INSTRUMENT_JA = new RegExp(
  `([\\p{Script=Katakana}\\p{Script=Han}ー・A-Za-z0-9]{2,20}?)(条約|協定|大統領令|プロセス|宣言|合意文書|共同声明|指令|ガイドライン|${JA_LAW_HEAD})`,
  'gu',
);
const JA_HEAD = new RegExp(`条約|協定|大統領令|プロセス|宣言|合意文書|共同声明|指令|ガイドライン|${JA_LAW_HEAD}`, 'g');

/**
 * NEW_INSTRUMENT_JA's matches, found by running it only just before each head word (its prefix is at most 20
 * code points, so 40 code units): English text has no head and costs one scan.
 */
function jaInstrumentMatches(text: string): RegExpExecArray[] {
  const windows: [number, number][] = [];
  for (const h of execAll(JA_HEAD, text)) {
    const start = Math.max(0, h.index - 40);
    const end = h.index + h[0].length;
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else windows.push([start, end]);
  }
  return windows.flatMap(([start, end]) =>
    [...text.slice(start, end).matchAll(NEW_INSTRUMENT_JA)].map((m) => Object.assign(m, { index: start + m.index })),
  );
}

/** Capitalised words that start sentences or name generic things, not instruments. */
const NOT_A_NAME = /^(?:The|This|That|These|A|An|Its|Their|Our|Under|New|Such|Each|Any)$/;

export interface FoundInstrument {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly start: number;
  readonly end: number;
  /** A measure named by what it does (a ransom payment ban), with its Japanese name: the country that takes it completes both. */
  readonly measure?: { readonly nameJa: string };
}

/**
 * Ransom payment measures, which news reports without a name ("the UK will ban public bodies from paying ransoms",
 * 身代金の支払いを禁止する方針): the mention is the measure's verb, the name says what it does, and the extraction
 * adds the country that takes it (one ban per country, in any language).
 */
const RANSOM_MEASURES: readonly { name: string; nameJa: string; re: RegExp }[] = [
  {
    name: 'Ransom payment ban',
    nameJa: '身代金支払い禁止',
    re: /\bban(?:s|ned|ning)?\b(?=[^.。\n]{1,200}?\b(?:paying|making|pay) (?:a |any )?ransom| (?:on )?(?:paying |making )?ransom)|\bprohibition on (?:paying |making )?ransom|\bransom(?:ware)? payments? ban|身代金の?支払い?を?禁止/g,
  },
  {
    name: 'Ransom payment reporting requirement',
    nameJa: '身代金支払い報告義務',
    re: /\b(?:require|requires|required|requiring|oblige|obliges|obliged|mandatory)\b(?=[^.。\n]{1,120}?\breport(?:ing)?(?: of)? (?:any |their |a )?ransom(?:ware)? payment)|\bransom(?:ware)? payment reporting|身代金の?支払い?の?(?:報告|届け出)を?義務/g,
  },
];

/** Instruments named in the text by their shape (the KB's known instruments are found by the gazetteer). */
export function findNewInstruments(text: string): FoundInstrument[] {
  const out: FoundInstrument[] = [];
  if (/ransom|身代金/i.test(text))
    for (const { name, nameJa, re } of RANSOM_MEASURES)
      for (const m of execAll(re, text)) out.push({ name, kind: 'law', start: m.index, end: m.index + m[0].length, measure: { nameJa } });
  for (const m of execAll(EXECUTIVE_ORDER, text)) {
    const number = m[1] ?? m[2] ?? '';
    out.push({ name: `Executive Order ${number}`, kind: 'executive-order', start: m.index, end: m.index + m[0].length });
  }
  for (const m of execAll(EMERGENCY_DIRECTIVE, text))
    out.push({ name: `Emergency Directive ${m[1] ?? ''}`, kind: 'law', start: m.index, end: m.index + m[0].length });
  for (const m of execAll(NEW_INSTRUMENT_EN, text)) {
    const words = (m[1] ?? '').trim().split(' ');
    while (words.length > 0 && NOT_A_NAME.test(words[0] ?? '')) words.shift();
    while (words.length > 0 && /^(?:of|on|for|against|and)$/.test(words[0] ?? '')) words.shift();
    if (words.length === 0) continue;
    const head = m[2] ?? '';
    const name = `${words.join(' ')} ${head}`;
    const start = m.index + m[0].lastIndexOf(name);
    out.push({ name, kind: EN_HEADS[head] ?? 'multilateral-process', start, end: start + name.length });
  }
  for (const m of jaInstrumentMatches(text)) {
    const prefix = (m[1] ?? '').replace(/^[・ー]+/, '');
    if ([...prefix].length < 2 || /^(?:同|本|今回|当該|新|各|この|その)$/.test(prefix)) continue;
    const head = m[2] ?? '';
    const start = m.index + m[0].length - prefix.length - head.length;
    const kind = JA_HEADS[head] ?? (head.endsWith('法') ? 'law' : 'multilateral-process');
    out.push({ name: `${prefix}${head}`, kind, start, end: m.index + m[0].length });
  }
  return out;
}

// --- Stances ---------------------------------------------------------------------------------------------------------

const CUES: readonly (readonly [StanceType, RegExp])[] = [
  [
    'listed-under',
    /\b(?:added|adds|adding|placed|places|designated|designates|sanctioned|sanctions|blacklisted|listed)\b|に追加|を追加|制裁対象|制裁を科|指定した|指定された/gi,
  ],
  [
    'criticizes',
    /\b(?:critici[sz](?:e|es|ed|ing)|criticism|condemn(?:s|ed|ing)?|warn(?:s|ed)? that|raised concerns?|concerns? (?:about|over)|slammed|denounc(?:e|es|ed))\b|批判|懸念|問題視|非難/gi,
  ],
  ['opposes', /\b(?:oppos(?:e|es|ed|ing)|reject(?:s|ed|ing)?|vot(?:e|es|ed) against|object(?:s|ed)? to)\b|反対|拒否|拒絶/gi],
  [
    'supports',
    /\b(?:support(?:s|ed|ing)?|endors(?:e|es|ed|ing)|welcom(?:e|es|ed|ing)|back(?:s|ed|ing)?|champion(?:s|ed)?)\b|賛同|支持|歓迎|賛成/gi,
  ],
  ['signs', /\b(?:sign(?:s|ed|ing)?|ratif(?:y|ies|ied|ying)|accede[sd]?|signator(?:y|ies))\b|署名|批准|締結/gi],
  ['joins', /\b(?:join(?:s|ed|ing)?|participat(?:e|es|ed|ing)|adher(?:e|es|ed)|withdr(?:ew|aw|awn) from)\b|参加|加盟|加わ|加入|離脱/gi],
  [
    'proposes',
    /\b(?:propos(?:e|es|ed|ing)|launch(?:es|ed|ing)?|introduc(?:e|es|ed|ing)|issu(?:e|es|ed|ing)|convene[sd]?|spearhead(?:s|ed)?|initiat(?:e|es|ed)|publish(?:es|ed)?|revis(?:e|es|ed)|ban(?:s|ned|ning)?|will require)\b|提唱|発足|立ち上げ|主導|提案|発出|発令|策定|改訂|公表|方針|義務付け|義務化/gi,
  ],
];
/** Negation before an English verb ("did not sign", "declined to join") … */
const NEGATION_BEFORE = /\b(?:not|never|declined to|refused to|didn't|hasn't|haven't|won't|yet to|failed to)\s+(?:\w+\s+){0,2}$/i;
/** … and after a Japanese verb stem (署名しなかった, 参加を見送った, 賛同していない). */
const NEGATION_AFTER = /^(?:を|に|は)?(?:しなかった|していない|しない|せず|を見送|見送|を拒|を撤回|撤回)/;
/** Verbs that are negations by themselves. */
const NEGATING_CUE = /^(?:withdr(?:ew|aw|awn) from|離脱)$/i;

const PARTY_EXCLUDED_ROLES = new Set(['media']);

/** A place where something happens, not a party: ベトナムのハノイで開かれる, ベトナムで, "in Hanoi, Vietnam". */
const VENUE_AFTER_JA = /^(?:の[\p{Script=Han}\p{Script=Katakana}ー]{1,8})?で(?![はも])/u;
const VENUE_BEFORE_EN = /\b(?:in|at) (?:[A-Z][\w-]+, )?$/;

function isParty(text: string, item: PolicyItem): boolean {
  const e = item.entity;
  if (e.kind === 'location') {
    // 日本弁護士連合会: a country name inside a Japanese compound noun is part of another name, not a party.
    // (英国政府は, 米当局が: the state's government or authorities are the state.)
    if (
      e.country === undefined ||
      (/[\p{Script=Han}\p{Script=Katakana}]/u.test(text[item.end] ?? '') && !/^(?:政府|当局)/.test(text.slice(item.end, item.end + 2)))
    )
      return false;
    return (
      !VENUE_AFTER_JA.test(text.slice(item.end, item.end + 12)) &&
      !VENUE_BEFORE_EN.test(text.slice(Math.max(0, item.start - 30), item.start))
    );
  }
  return e.kind === 'identity' && !e.roles.some((r) => PARTY_EXCLUDED_ROLES.has(r));
}

/** Between parties listed together: "the US, Japan and the UK", 日本、米国および英国. */
const PARTY_LIST_GAP = /^[\s,、・/]*(?:(?:and|or|および|や|と)[\s,、・/]*)?(?:the\s+)?$/i;
/** A Japanese party written as the subject or topic of its clause: 米国は, 日本が, 日本も, 日本と米国は. */
const JA_SUBJECT_AFTER = /^(?:社|政府|当局)?(?:は|が|も|と|や|、|・)/;
/** Between a state and its instrument: 欧州連合のNIS2指令, "the EU's NIS2 Directive". */
const JURISDICTION_GAP = /^(?:の|['’]s\s+)$/;
/** A Japanese party that its clause's verb follows (米国は, 日本が, 日本も): no verb before it is its own. */
const JA_CLAUSE_SUBJECT = /^(?:社|政府|当局)?(?:は|が|も)/;
/**
 * The party's own object between it and a Japanese verb (米国は…修正案を支持した): the verb is about that, not an
 * instrument named in an earlier clause. An elided object (日本も参加した) or one that refers back (同条約に, これに) is
 * the instrument; times and adverbs (2024年に, 正式に, 新たに) are no object.
 */
const JA_OWN_OBJECT =
  /(?<![\p{Script=Han}\p{Script=Katakana}ー・A-Za-z0-9]|この|その)(?!同|本|当該)[\p{Script=Han}\p{Script=Katakana}ー・A-Za-z0-9]{2,}(?<![年月日時頃際後前内中間的式]|新た|同時|既|共)(?:を|に|へ)(?!よう)/u;
/**
 * The object right after an English verb, when it is not the instrument ("while the United States supported
 * amendments", "backed a parallel process"): not "it", "the treaty", a preposition or an adverb.
 */
const EN_OWN_OBJECT =
  /^\s+(?:(?:a|an|another|other|separate|parallel|its own|their own)\s+[a-z]|(?:the|new)\s+(?!(?:draft\s+|new\s+)?(?:treaty|convention|process|initiative|statement|pledge|accord|agreement|act|law|order|directive|list|declaration|code|call|framework|regime)\b)[a-z]|(?!(?:it|them|this|that|these|those|as|in|on|at|with|by|for|from|to|later|too|also|soon|and|but|which|after|before|during|when|while|the|its|their|his|her|alongside|early|again|publicly|formally|jointly)\b)[a-z]+s\b)/i;
/** A request that others not act is the requester's opposition: "urged governments not to ratify", 署名しないよう呼びかけた. */
const REQUEST_NOT_BEFORE_EN =
  /\b(?:urg(?:e|es|ed|ing)|call(?:s|ed|ing)? (?:on|upon)|ask(?:s|ed|ing)?|press(?:es|ed|ing)?|encourag(?:e|es|ed|ing)|appeal(?:s|ed|ing)? to)\b[^.;]{1,60}?\bnot\s+(?:to\s+)?$/i;
const REQUEST_NOT_AFTER_JA =
  /^(?:を|に|へ)?(?:しない|せず)よう(?:に)?(?:、)?(?:各国|政府|各国政府)?(?:に)?(?:求め|呼びかけ|呼び掛け|要請|促|訴え|要求)/;
/** A negative ending in the clause after a Japanese cue: 賛同国に含まれていなかった, 参加していないと. */
const JA_CLAUSE_NEGATION = /(?:てい|せ|さ|し|ら|れ|か|わ)な(?:い|かった)(?:と|$)/;

/**
 * Stances in one sentence: every party (state, company, NGO, agency) and instrument named in it, linked by the
 * stance cue nearest to the pair. "listed-under" applies to the listed companies, not the listing agency.
 */
export function findStances(
  text: string,
  sentence: Sentence,
  items: readonly PolicyItem[],
  options: { implicitInstrument?: boolean } = {},
): PolicyRelation[] {
  const instruments = items.filter((i) => i.entity.kind === 'policy-instrument');
  if (instruments.length === 0) return [];
  // An instrument only implied (carried from an earlier sentence) is the object of what its subjects do: a party in
  // another role (NSOグループ社のペガサスによる人権侵害が問題視された) takes no stance on it.
  const subject = (i: PolicyItem): boolean =>
    !options.implicitInstrument ||
    !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text[i.end] ?? ' ') ||
    JA_SUBJECT_AFTER.test(text.slice(i.end, i.end + 3));
  const parties = items.filter((i) => isParty(text, i) && subject(i) && !instruments.some((p) => i.start >= p.start && i.end <= p.end));
  if (parties.length === 0) return [];
  const cues: { type: StanceType; start: number; end: number; negated: boolean }[] = [];
  for (const [type, re] of CUES) {
    for (const m of execAll(re, sentence.text)) {
      const start = sentence.start + m.index;
      const end = start + m[0].length;
      const before = text.slice(Math.max(sentence.start, start - 30), start);
      const after = text.slice(end, Math.min(sentence.end, end + 8));
      const clause = /^[a-z]/i.test(m[0]) ? '' : (text.slice(end, Math.min(sentence.end, end + 24)).split(/[、。]/)[0] ?? '');
      const request =
        (type === 'signs' || type === 'joins' || type === 'supports') &&
        (REQUEST_NOT_BEFORE_EN.test(text.slice(Math.max(sentence.start, start - 90), start)) ||
          REQUEST_NOT_AFTER_JA.test(text.slice(end, Math.min(sentence.end, end + 24))));
      if (request) {
        cues.push({ type: 'opposes', start, end, negated: false });
        continue;
      }
      const negated =
        NEGATING_CUE.test(m[0]) || NEGATION_BEFORE.test(before) || NEGATION_AFTER.test(after) || JA_CLAUSE_NEGATION.test(clause);
      cues.push({ type, start, end, negated });
    }
  }
  if (cues.length === 0) return [];
  const out: PolicyRelation[] = [];
  for (const instrument of instruments) {
    for (const party of parties) {
      // The state whose instrument it is (欧州連合のNIS2指令は…義務付けている, "the EU's NIS2 Directive requires") is
      // not the subject of what the instrument does.
      if (
        instrument.start >= party.end &&
        instrument.start - party.end <= 4 &&
        JURISDICTION_GAP.test(text.slice(party.end, instrument.start))
      )
        continue;
      // An instrument only implied has no place in the sentence (it stands at its start): the party alone places the cue.
      const implied = options.implicitInstrument === true && instrument.end - instrument.start === 0;
      const lo = implied ? party.start : Math.min(party.start, instrument.start);
      const hi = implied ? party.end : Math.max(party.end, instrument.end);
      // English is subject-verb-object: a verb before both the party and the instrument has another subject.
      const distance = (c: { start: number; end: number }): number =>
        c.end <= lo ? lo - c.end + (c.end <= Math.min(party.start, instrument.start) ? 40 : 0) : c.start >= hi ? c.start - hi : 0;
      // Only a listing lists ("the EU added three people to its sanctions list, and Japan signed the Pall Mall
      // Process": nobody is listed under the process).
      let candidates = instrument.entity.policy?.kind === 'sanctions-listing' ? cues : cues.filter((c) => c.type !== 'listed-under');
      // Nor does anyone join a law, an order, guidance or a list (自衛隊も運用に加わる is no stance on the law).
      if (NOT_JOINED.has(instrument.entity.policy?.kind ?? '')) candidates = candidates.filter((c) => c.type !== 'joins');
      if (instrument.entity.policy?.kind === 'sanctions-listing') {
        // Agencies, states and international bodies do the listing; companies and people are listed.
        const lister =
          party.entity.kind === 'location' || party.entity.roles.some((r) => r === 'government-agency' || r === 'international-body');
        candidates = lister ? cues.filter((c) => c.type !== 'listed-under') : cues;
        if (lister && candidates.every((c) => c.type === 'listed-under')) continue;
      }
      // A sanctions list only implied by an earlier designation is put on, welcomed or criticised, not proposed or
      // signed: in "OFAC designated Funnull. The FBI published a list of its domains", the FBI proposes no list.
      if (options.implicitInstrument && instrument.entity.policy?.kind === 'sanctions-listing')
        candidates = candidates.filter((c) => c.type !== 'proposes' && c.type !== 'signs');
      // Nor is a warning about something else a criticism of an instrument named before: in "CISA issued Emergency
      // Directive 25-03. The NCSC also warned that the attackers had installed a bootkit", the NCSC criticises nothing.
      if (implied) candidates = candidates.filter((c) => !/^warn/i.test(text.slice(c.start, c.end)));
      // A verb before both whose own subject is another party named before it belongs to that party: in "CISA
      // issued Emergency Directive 24-01 … to apply Ivanti's mitigations", Ivanti issued nothing. (Listing verbs
      // take the listed party as their object: "Commerce added NSO Group to the Entity List".)
      const first = lo;
      // Nor is a verb after another party that stands between this one and the verb, unless the two are listed
      // together: in "the EU added … and Japan signed the Pall Mall Process" only Japan signed; in "the US, Japan
      // and the UK signed" all three did.
      const nearerSubject = (c: { start: number }): boolean => {
        let last = party;
        for (const p of parties.filter((o) => o.start >= party.end && o.end <= c.start).sort((a, b) => a.start - b.start)) {
          if (p.entity.key === party.entity.key) continue;
          if (!PARTY_LIST_GAP.test(text.slice(last.end, p.start))) return true;
          last = p;
        }
        return false;
      };
      const ownSubject = (c: { type: StanceType; start: number; end: number }): boolean =>
        c.type === 'listed-under' ||
        (c.end > first
          ? party.end > c.start || !nearerSubject(c)
          : !parties.some((p) => p.entity.key !== party.entity.key && p.end <= c.start));
      // A verb on the far side of the party from this instrument, with another instrument between the party and the
      // verb (欧州連合は…EUサイバー制裁の対象に追加し、日本はパル・モール・プロセスに署名した) or right after the verb
      // ("…, and Japan signed the Pall Mall Process"), is about that one.
      const aboutAnother = (c: { start: number; end: number }): boolean => {
        const after = c.start >= party.end;
        const [from, to] = after ? [party.end, c.start] : [c.end, party.start];
        const beyond = after ? instrument.end <= party.start : instrument.start >= party.end;
        return (
          beyond &&
          instruments.some(
            (o) =>
              o.entity.key !== instrument.entity.key &&
              ((o.start >= from && o.end <= to) || (after && o.start >= c.end && o.start - c.end <= 40)),
          )
        );
      };
      // A measure's own verb ("will ban … from paying ransoms") is taken by a party before it; those after are its
      // objects. (A designation's verb, "sanctioned Intellexa", lists the party after it.)
      const objectOfMeasure = (c: { start: number; end: number }): boolean =>
        instrument.entity.policy?.kind !== 'sanctions-listing' &&
        c.start >= instrument.start &&
        c.end <= instrument.end &&
        party.start >= instrument.end;
      // A Japanese party that its clause's verb follows takes no verb before it: in 米国は…イニシアティブを主導し、日本も
      // 参加した, Japan led nothing.
      const jaSubject = JA_CLAUSE_SUBJECT.test(text.slice(party.end, party.end + 3));
      const beforeJaSubject = (c: { start: number; end: number }): boolean =>
        jaSubject && c.end <= party.start && !/[a-z]/i.test(text[c.start] ?? '');
      // A verb of a later clause, after the party, with its own object is about that object, not an instrument
      // named before the party: "Russia championed the treaty, while the United States supported amendments".
      // (An instrument only implied, with no word for it, is the object the later sentence leaves out or words anew:
      // "The EFF opposed the draft as well", 日本もこのプロセスに参加している.)
      const ownObject = (c: { start: number; end: number }): boolean =>
        !implied &&
        instrument.end <= party.start &&
        c.start >= party.end &&
        (/[a-z]/i.test(text[c.start] ?? '')
          ? EN_OWN_OBJECT.test(text.slice(c.end, Math.min(sentence.end, c.end + 40)))
          : JA_OWN_OBJECT.test(text.slice(Math.max(party.end, c.start - 80), c.start)));
      const sorted = candidates
        .filter((c) => ownSubject(c) && !aboutAnother(c) && !objectOfMeasure(c) && !beforeJaSubject(c) && !ownObject(c))
        .sort((a, b) => distance(a) - distance(b));
      const best = sorted[0];
      if (!best || distance(best) > 60) continue;
      // The nearest cue, and any stated negation close by (ロシアは…に反対しており、署名していない).
      const chosen = [best, ...sorted.slice(1).filter((c) => c.negated && c.type !== best.type && distance(c) <= 30)];
      for (const c of chosen) {
        out.push({
          // A state or its leader signing an executive order issues it ("President Biden signed Executive Order 14093").
          type: c.type === 'signs' && instrument.entity.policy?.kind === 'executive-order' ? 'proposes' : c.type,
          negated: c.negated,
          source: party.entity.key,
          target: instrument.entity.key,
          confidence: distance(c) === 0 ? 65 : 50,
        });
      }
    }
  }
  return out;
}

// --- Actor roles -----------------------------------------------------------------------------------------------------

const MERCENARY_CUE =
  /\b(?:spyware (?:vendor|maker|company|firm|developer)s?|commercial spyware|surveillance (?:vendor|company|firm)s?|hack-for-hire|hackers?-for-hire|private[- ]sector offensive actors?|PSOAs?|cyber ?mercenar(?:y|ies)|mercenar(?:y|ies))\b|スパイウェア(?:企業|業者|ベンダー|開発会社|メーカー)|サイバー傭兵|傭兵|ハッカー・フォー・ハイヤー/i;
const CONTRACTOR_CUE = /\b(?:contractors?|contracted|hack-for-hire|hackers?-for-hire)\b|請負|受託|委託/i;
const SPONSOR_CUE =
  /\b(?:on behalf of|for (?:the )?(?:Chinese |Russian |Iranian )?(?:government|ministry|state|police)|contracted by|hired by|work(?:s|ed|ing)? for|customers? (?:include|included|in|such as)|clients? (?:include|included|in)|sold (?:\w+ ){0,3}to|sells (?:\w+ ){0,3}to|suppl(?:y|ies|ied) (?:\w+ ){0,3}to)\b|の依頼|の委託|から委託|のために|の顧客|顧客|に販売|に提供/i;
/**
 * A vendor or an agency that speaks of the intrusion into its own systems ("Microsoft said … gained access to email
 * accounts of its senior leadership", 自社のサーバーに不正アクセス) is that intrusion's victim after all.
 */
export const OWN_SYSTEMS =
  /\b(?:its|our) (?:own )?(?:\w+ ){0,2}(?:systems?|networks?|email|mailboxes|accounts?|staff|employees|leadership|source code|servers?|infrastructure|environments?)\b|自社の(?:システム|サーバー|ネットワーク|従業員|社員|メール)|社内(?:で(?:利用|使用)する|の(?:システム|サーバー|ネットワーク))|同社の(?:システム|サーバー|ネットワーク|従業員|社員|メール)/;
/**
 * An intrusion into the speaker's own systems ("broke into its networks", "access its customer support portal") or an
 * attack that disrupted them: the organisation named before is the victim.
 */
export const OWN_INTRUSION =
  /\b(?:(?:broke|break|broken|got) into|gain(?:ed)? access to|access(?:ed)?|breach(?:ed)?|compromis(?:e|ed)) (?:its|their|our) (?:own )?(?:[\w-]+ ){0,2}(?:networks?|systems?|servers?|email|workstations|portal|databases?|environment|infrastructure)\b|\b(?:attack|breach|incident|intrusion) (?:that )?(?:[\w-]+ ){0,6}?(?:disrupted|crippled|knocked out|took down|shut down|halted|stopped|encrypted|paralys[ei]d|paralyz[ei]d) (?:[\w-]+ ){0,6}?(?:its|their)\b|\b(?:steal|stole|stolen|copy|copied|take|took|taken|exfiltrate[ds]?) (?:\w+ ){0,2}(?:customer|user|employee|patient|client)s?(?:'|’)? (?:data|records|information|details)\b/i;
const VICTIM_CUE =
  /\b(?:was|were|had been|has been|have been) (?:hit|breached|hacked|compromised|attacked|targeted|infected)\b|\b(?:suffered|disclosed) an? (?:\w+ ){0,2}(?:breach|attack|cyberattack|incident)\b|\bvictims? (?:include|included|were)\b|\bamong (?:the )?(?:victims|(?:organi[sz]ations|companies|customers|firms|institutions) (?:affected|hit|breached|impacted|targeted))\b|\b(?:data|records|information|details) (?:was|were|had been|have been) (?:taken|stolen|exposed|leaked)\b|被害を受け|不正アクセスを受け|不正アクセスされ|侵入され|不正に持ち出|持ち出され|攻撃を受け|サイバー攻撃を受け|ランサムウェア被害|被害に遭|感染被害|情報が流出|流出した|ランサムウェア(?:に)?感染|不正に引き出され|サイバー攻撃による(?:システム)?障害|攻撃(?:で|により|によって)[^。]{0,30}?(?:停止|障害|暗号化)/i;
/** Before the organisations an attack is on (with up to three describing words: "the June attack on Japanese publisher"). */
const ATTACK_ON_BEFORE_EN =
  /\b(?:cyber-?)?(?:attacks?|breach(?:es)?|intrusions?|hacks?) (?:on|at|against) (?!behalf\b)(?:the )?(?:[A-Za-z-]+ ){0,3}$/i;
/** After an organisation an attack is on: KADOKAWAへのサイバー攻撃, 同社に対するランサムウェア攻撃. */
const ATTACK_ON_AFTER_JA = /^(?:社|グループ)?(?:への|に対する)(?:サイバー|ランサムウェア|DDoS)?攻撃/;

const CONTRACTOR_OF_AFTER_JA = /^(?: [A-Z][\w-]*){0,2}の(?:業務)?(?:委託先|取引先|外注先|委託業者)/;
/** Denying what follows: "Oracle denied that its cloud had been breached", 同社は…を否定. */
const DENIAL = /\b(?:denied|denies|deny|disputed|disputes|rejected|rejects) (?:that|claims|reports|any)\b|否定/;
/** A clause boundary: 隠し、, "…, while", "; ". */
const CLAUSE_BOUNDARY = /[しでて]、|[,;]\s*(?:while|whereas|but|and)\b|;|\b(?:after|because|when|since|following)\b/;
/** A Japanese subject marked with が (小島プレス工業が), which owns the verb of its clause. */
const JA_GA_SUBJECT = /^(?:社|グループ)?が/;

/** The organisations listed right after `item`, with it ("Marks & Spencer, the Co-op and Harrods", 三菱重工業と日立製作所). */
function listedAfter(text: string, identities: readonly PolicyItem[], item: PolicyItem): PolicyItem[] {
  const listed: PolicyItem[] = [];
  let last = item;
  for (const next of identities.filter((i) => i.start >= item.end).sort((a, b) => a.start - b.start)) {
    if (!PARTY_LIST_GAP.test(text.slice(last.end, next.start))) break;
    listed.push(next);
    last = next;
  }
  return listed;
}

/**
 * Whether another organisation, in a clause of its own after `item`'s, is the subject of the verb at `at`: a
 * Japanese subject (日本航空は) or the one named right before an English verb.
 */
function subjectOfLaterClause(text: string, identities: readonly PolicyItem[], item: PolicyItem, at: number): boolean {
  // The organisations listed with it (三菱重工業と日立製作所が…) share its verb.
  const listed = new Set(listedAfter(text, identities, item));
  return identities.some(
    (other) =>
      other.entity.key !== item.entity.key &&
      !listed.has(other) &&
      other.start >= item.end &&
      other.end <= at &&
      other.start - item.end <= 400 &&
      // (A Japanese subject marked with が is the verb's own, whatever clause the topic is in: トヨタ自動車は、取引先の
      // 小島プレス工業がサイバー攻撃を受け….)
      (JA_GA_SUBJECT.test(text.slice(other.end, other.end + 4)) ||
        (CLAUSE_BOUNDARY.test(text.slice(item.end, other.start)) &&
          (JA_CLAUSE_SUBJECT.test(text.slice(other.end, other.end + 3)) ||
            /^(?:, [^,.;]{1,80},)?\s+(?:was|were|had|has|is)\b/.test(text.slice(other.end, other.end + 100))))),
  );
}

/** Whether `item` is among the organisations an attack in the sentence is on (see ATTACK_ON_BEFORE_EN). */
function attackIsOn(text: string, sentence: Sentence, identities: readonly PolicyItem[], item: PolicyItem): boolean {
  // The last of the Japanese list it is in: マークス・アンド・スペンサーやCo-opへのサイバー攻撃.
  const last = listedAfter(text, identities, item).pop() ?? item;
  if (ATTACK_ON_AFTER_JA.test(text.slice(last.end, last.end + 16))) return true;
  // The first of the list the organisation is in: "… on Marks & Spencer, the Co-op and Harrods".
  const before = identities.filter((i) => i.end <= item.start).sort((a, b) => b.start - a.start);
  let first = item;
  for (const previous of before) {
    if (!PARTY_LIST_GAP.test(text.slice(previous.end, first.start))) break;
    first = previous;
  }
  return ATTACK_ON_BEFORE_EN.test(text.slice(Math.max(sentence.start, first.start - 60), first.start));
}
const ABUSE_CUE_ALL =
  /\b(?:abus(?:e|es|ed|ing)|hosted on|host(?:s|ed)? (?:\w+ ){0,2}on|relay(?:s|ed)? through|through (?:the )?(?:accounts?|services?|infrastructure)|misus(?:e|es|ed|ing)|(?:tunnels?|channels?|bots?) to (?:hide|conceal|mask|relay)|upload(?:s|ed|ing)? (?:\w+ ){0,3}to)\b|悪用|経由|踏み台|を介し/gi;
const PROVIDER_ROLES = new Set(['technology-company', 'platform']);
/** 脆弱性を悪用: exploiting a flaw (Japanese uses one verb for both) abuses no provider's service. */
const EXPLOITED_FLAW_BEFORE = /(?:脆弱性|ゼロデイ|欠陥|不具合|CVE-\d{4}-\d{4,7})を$/i;

/** Whether a sentence says the attackers abused some provider's service (not that they exploited a flaw). */
function abusesProvider(sentence: string): boolean {
  for (const m of execAll(ABUSE_CUE_ALL, sentence))
    if (!EXPLOITED_FLAW_BEFORE.test(sentence.slice(Math.max(0, m.index - 20), m.index))) return true;
  return false;
}

/** Roles of the identities named in one sentence; `attackers` are the actors/malware named there. */
export function findActorRoles(
  text: string,
  sentence: Sentence,
  index: number,
  items: readonly PolicyItem[],
  context: {
    /** Entities the sentence's attackers target. */
    readonly targeted: ReadonlySet<string>;
    /**
     * Organisations that do not suffer the attack: `reporter`s say what the sentence reports ("Microsoft said",
     * 警察庁によると) and are neither victims nor providers; `maker`s make the product it names and are no victims.
     */
    readonly bystanders: ReadonlyMap<string, BystanderRole>;
    /** Whether the sentence names an attacker (actor or malware). */
    readonly hasAttacker: boolean;
  },
): { roles: ActorRole[]; relations: PolicyRelation[] } {
  const { targeted, bystanders, hasAttacker } = context;
  const roles: ActorRole[] = [];
  const relations: PolicyRelation[] = [];
  const identities = items.filter((i) => i.entity.kind === 'identity');
  // The sentence's victim cue, found once (a hostile sentence may be long and name many organisations).
  const cue = identities.length > 0 ? (VICTIM_CUE.exec(sentence.text) ?? OWN_INTRUSION.exec(sentence.text)) : null;
  for (const item of identities) {
    const e = item.entity;
    const near = text.slice(Math.max(sentence.start, item.start - 40), Math.min(sentence.end, item.end + 40));
    const kbMercenary = e.roles.includes('surveillance-vendor') || e.roles.includes('offensive-contractor');
    // A contractor the attack hit is a victim, not an offensive contractor (委託先のイセトーがランサムウェア被害).
    const hitHere = targeted.has(e.key) || VICTIM_CUE.test(near);
    if (kbMercenary || MERCENARY_CUE.test(near) || (CONTRACTOR_CUE.test(near) && hasAttacker && !hitHere)) {
      const subtype = e.roles.includes('offensive-contractor') || CONTRACTOR_CUE.test(near) ? 'offensive-contractor' : 'spyware-vendor';
      roles.push({ entity: e.key, role: 'cyber-mercenary', subtype, sentence: index });
      if (SPONSOR_CUE.test(sentence.text)) {
        for (const other of items) {
          if (other === item || other.entity.key === e.key) continue;
          const sponsor =
            (other.entity.kind === 'identity' &&
              other.entity.roles.some((r) => r === 'government-agency' || r === 'intelligence-service' || r === 'state')) ||
            (other.entity.kind === 'location' && other.entity.country !== undefined);
          // "a Chinese contractor": the mercenary's own country describes it, it does not sponsor it.
          if (!sponsor || (other.entity.kind === 'location' && other.entity.country === e.country)) continue;
          relations.push({
            type: subtype === 'offensive-contractor' ? 'works-for' : 'supplies',
            negated: false,
            source: e.key,
            target: other.entity.key,
            confidence: 55,
          });
        }
      }
      continue;
    }
    // Neither who reports the attack or makes what it went through, nor the press and the vendors beside it.
    // (Unless it speaks of its own systems: 日本経済新聞社は、社内で利用するSlackに不正ログインがあり….)
    const mayBeVictim =
      !bystanders.has(e.key) &&
      (!e.roles.some((r) => r === 'media' || r === 'security-vendor') ||
        OWN_SYSTEMS.test(text.slice(item.end, Math.min(sentence.end, item.end + 400))));
    if (targeted.has(e.key) || (cue && mayBeVictim)) {
      // The victim is the subject: named before the cue ("Casio was hit …", カシオが…被害を受けた), and in the cue's
      // clause (in 攻撃者はCloudflareを経由して通信を隠し、日本航空はDDoS攻撃を受けた, only Japan Airlines was hit).
      // After a cue that lists the victims ("Among the victims was Zellis", "victims included …"), they follow it.
      const cueAt = cue ? sentence.start + cue.index : -1;
      const cueEnd = cueAt + (cue?.[0].length ?? 0);
      const listed =
        cue !== null &&
        item.start >= cueEnd &&
        (/^victims?\s/i.test(cue[0]) || (/^among/i.test(cue[0]) && /^\s+(?:was|were|are|is)\b/.test(text.slice(cueEnd, cueEnd + 6))));
      // (Not when it denies it: "Oracle denied that its cloud had been breached".)
      const denied = cue !== null && cueAt >= item.end && DENIAL.test(text.slice(Math.max(item.end, cueAt - 200), cueAt));
      // NAVER Cloudの委託先企業の…: an organisation whose contractor it is describes the contractor, which was hit.
      const ofContractor = CONTRACTOR_OF_AFTER_JA.test(text.slice(item.end, item.end + 30));
      if (
        targeted.has(e.key) ||
        listed ||
        (cue && cueAt >= item.end && !denied && !ofContractor && !subjectOfLaterClause(text, identities, item, cueAt))
      ) {
        roles.push({ entity: e.key, role: 'victim', sentence: index });
        continue;
      }
    }
    // "the cyberattacks on Marks & Spencer, the Co-op and Harrods", KADOKAWAへのサイバー攻撃: what an attack is on,
    // though the sentence names no attacker.
    if (mayBeVictim && attackIsOn(text, sentence, identities, item)) {
      roles.push({ entity: e.key, role: 'victim', sentence: index });
      continue;
    }
    if (
      hasAttacker &&
      // (Nor does the maker of the devices the attackers went through provide them: SonicWall製のSSL VPN機器を経由して
      // 侵入 goes through the victims' own devices.)
      (!bystanders.has(e.key) || bystanders.get(e.key) === 'service') &&
      e.roles.some((r) => PROVIDER_ROLES.has(r)) &&
      abusesProvider(sentence.text)
    ) {
      roles.push({ entity: e.key, role: 'infrastructure-provider', sentence: index });
    }
  }
  return { roles, relations };
}

/** The relationship type of a stance, negated ones included ("does-not-sign"). */
export function stanceRelationshipType(type: string, negated: boolean): string {
  if (!negated) return type;
  return type === 'listed-under' ? 'not-listed-under' : `does-not-${type.replace(/s$/, '')}`;
}
