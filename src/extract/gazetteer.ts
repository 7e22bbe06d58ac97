// Finds knowledge-base entities in text: one Aho-Corasick pass over the folded text, then boundary, case,
// context and ambiguity rules for English and Japanese.
import { kindFamily, type EntityKind, type KbEntity } from '../kb/entity.js';
import { isEnglishWord } from '../kb/english-words.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { foldTerm, foldText, insideLatinWord, INSIDE_WORD, isDroppedChar, type FoldedText } from '../text/fold.js';
import { isLatinAlnum } from '../text/language.js';
import { AhoCorasick } from './aho-corasick.js';

/** A resolved mention of a KB entity. Offsets refer to the original text. */
export interface EntityMention {
  readonly entity: KbEntity;
  readonly start: number;
  readonly end: number;
  /** The text as written. */
  readonly surface: string;
  /** The KB alias it matched. */
  readonly alias: string;
  /** 0–100: how sure the match is (ambiguous, context-dependent matches score lower). */
  readonly confidence: number;
}

interface Candidate {
  readonly entity: KbEntity;
  /** Original spellings of the alias (several can fold to one pattern). */
  readonly values: readonly string[];
  /** exact: written exactly as an alias; capitalised: starts with a capital letter; none: any case. */
  readonly caseRule: 'exact' | 'capitalised' | 'none';
  readonly needsContext: boolean;
  /** Lower is better: how authoritative the alias is for this entity. */
  readonly rank: number;
  /**
   * An ordinary English word known only from the open galaxies ("First", "Christmas", "shadow" as ransomware):
   * it needs a kind noun right next to it ("Christmas ransomware"), not just somewhere near.
   */
  readonly weakWord: boolean;
  /** Whether any spelling of the alias is all lowercase ("xmrig"); a lowercase writing of a capitalised name is not. */
  readonly lowercaseAlias: boolean;
  /** Every spelling is in capitals, as vendors write their own names (GRIFFON, HOMEFRY). */
  readonly upperOnly: boolean;
}

/** Kinds the gazetteer looks for; techniques have their own mapper. */
const MATCHED_KINDS = new Set<EntityKind>([
  'intrusion-set',
  'threat-actor',
  'malware',
  'tool',
  'campaign',
  'identity',
  'location',
  'sector',
  'policy-instrument',
  // By nickname: "Log4Shell" is CVE-2021-44228 (the ids themselves are found as indicators).
  'vulnerability',
]);

/**
 * Terms that are never an entity on their own, whatever a downloaded source lists as an alias (a galaxy gives
 * "Dropbox" as the alias of a RAT that abuses it); the starter KB's own entities of these names still match.
 */
const STOP_ALIASES = new Set(
  [
    'apt',
    'malware',
    'ransomware',
    'trojan',
    'backdoor',
    'rat',
    'botnet',
    'spyware',
    'unknown',
    'n/a',
    'none',
    'windows',
    'linux',
    'android',
    'ios',
    'macos',
    'python',
    'java',
    'javascript',
    'office',
    'email',
    'e-mail',
    'internet',
    'cloud',
    'server',
    'admin',
    'user',
    'system',
    'update',
    'service',
    'security',
    'microsoft windows',
    'google chrome',
    'chrome',
    'firefox',
    'outlook',
    'excel',
    'word',
    'dropbox',
    'onedrive',
    'discord',
    'slack',
    'zoom',
    'teams',
    'skype',
    'twitter',
    'facebook',
    'youtube',
    'instagram',
    'tiktok',
    'whatsapp web',
    'powershell',
    'cmd',
    'cmd.exe',
    'bitcoin',
    'tor',
    'vpn',
    'dns',
    'http',
    'https',
    'ftp',
    'ssh',
    'rdp',
    'smb',
    'api',
    'url',
    'ip',
    'loader',
    'stealer',
    'dropper',
    'downloader',
    'wiper',
    'keylogger',
    'worm',
    'virus',
    'exploit',
    'payload',
    'group',
    'team',
    'actor',
    'hacker',
    'hackers',
    'threat actor',
    'cybercriminals',
    'covid',
    'covid-19',
    'coronavirus',
    'ta',
    'unc',
    'dev',
    'storm',
    // Languages, runtimes and ordinary applications that galaxies list as some malware's or actor's alias.
    'autoit',
    'foxmail',
    'korean',
    // Windows' own processes: malware masquerades as them, none is a family ("sihost.exe", "svchost").
    'svchost',
    'sihost',
    'lsass',
    'csrss',
    'winlogon',
    'wininit',
    'smss',
    'conhost',
    'dllhost',
    'taskhost',
    'taskhostw',
    'spoolsv',
    'explorer',
    'userinit',
    'werfault',
  ].map((a) => a.replace(/[\s\-_]/g, '')),
);

/** Month and day names: galaxies list some as malware names. */
const CALENDAR = new Set(
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun'.split(
    ' ',
  ),
);

/** What may stand between two items of a list: "LockBit, Conti and Royal", 米国や英国、日本. */
export const LIST_GAP = /^[\s,、・/]*(?:(?:and|or|および|や|と)[\s,、・/]*)?$/;

/** Kind nouns right next to a name that is also an ordinary word: "Royal ransomware", "the Equation group". */
const ADJACENT_ACTOR = /\b(?:group|gang|apt|actor|team|crew|hackers|operators|affiliates|cluster)\b|グループ|集団|アクター|部隊|傘下/i;
const ADJACENT_SOFTWARE =
  /\b(?:(?:malware|ransomware|backdoor|trojan|rat|loader|stealer|infostealer|botnet|spyware|worm|wiper|implant|downloader|dropper|keylogger|rootkit|bootkit|variant|strain|framework|exploit kit|EK)s?|family|families|(?:information|info|credential|password)[- ]?stealing)\b|マルウェア|ランサムウェア|バックドア|スパイウェア|ボットネット|亜種/i;

const CUE_ACTOR =
  /\b(?:groups?|actors?|apt|gangs?|team|crew|hackers?|operators?|affiliates?|campaigns?|operations?|cluster|adversar(?:y|ies)|attackers?|intrusion set)\b|グループ|攻撃者|アクター|ハッカー|集団|組織|キャンペーン/i;
const CUE_SOFTWARE =
  /\b(?:malware|ransomware|backdoors?|trojans?|rats?|loaders?|stealers?|infostealers?|botnets?|spyware|worms?|wipers?|implants?|payloads?|droppers?|downloaders?|variants?|famil(?:y|ies)|strains?|tools?|frameworks?|exploits?|samples?|keyloggers?|rootkits?|beacons?)\b|マルウェア|ランサムウェア|バックドア|トロイの木馬|スパイウェア|ツール|ボットネット|ワイパー|亜種|感染/i;
const CUE_ORG =
  /\b(?:company|companies|firm|vendor|inc|corp|reported|said|says|according|announced|researchers?|platform|join(?:s|ed)?|sign(?:s|ed)?|support(?:s|ed)?|oppos(?:e|es|ed)|critici[sz]ed|endorsed|did not|declined)\b|社|企業|によると|発表|報じ/i;
/** Latin letters inside Japanese prose are a proper name (Googleドライブ), not an English word. */
const JAPANESE_AROUND = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Matching rules for one alias of one entity, or undefined when the alias must never match on its own. */
function makeCandidate(entity: KbEntity, folded: string): Candidate | undefined {
  if (!MATCHED_KINDS.has(entity.kind)) return undefined;
  const aliases = entity.aliases.filter((a) => foldTerm(a.value) === folded);
  const first = aliases[0];
  if (!first) return undefined;
  const values = aliases.map((a) => caseKey(a.value));
  const rank = Math.min(...aliases.map((a) => sourceRank(a.sources)));
  const latin = /[a-z]/.test(folded);
  const place = entity.kind === 'location' || entity.kind === 'sector';
  const multiWord = folded.includes(' ');
  const isWord = latin && !multiWord && (isEnglishWord(first.value) || isEnglishWord(first.value.replace(/s$/, '')));
  // Short ordinary words ("at", "net", "One") are never names on their own, except places ("US" is a place), and
  // names that are only ever written in capitals ("RIG", an exploit kit): those need a kind noun right next to them.
  const capitalsOnly = aliases.every((a) => a.value === a.value.toUpperCase());
  if (isWord && folded.length <= 3 && !place && !capitalsOnly) return undefined;
  const kana = !latin && [...folded].every((c) => isKatakanaLike(c.charCodeAt(0)));
  // A katakana name of an entity whose English name is an ordinary word (サンドワーム, ペガサス) is a word too.
  const head = entity.name.replace(/ (?:Team|Group)$/, '');
  const wordEntity = /^[A-Za-z]+$/.test(head) && isEnglishWord(head);
  const shortKana = kana && (folded.length <= 3 || (wordEntity && folded.length <= 6));
  // An acronym ("INC", "OCT") written as a word ("VMware, Inc.", "Oct 15") is the word.
  const acronym = latin && folded.length <= 4 && aliases.every((a) => /[A-Z]/.test(a.value) && a.value === a.value.toUpperCase());
  // An organisation or instrument named in ordinary words ("Access Now", "Digital Agency", "Change Healthcare") is
  // the name only when capitalised: "users can access now", "a digital agency" name nothing.
  const ordinaryWords =
    latin &&
    multiWord &&
    (entity.kind === 'identity' || entity.kind === 'policy-instrument') &&
    folded.split(' ').every((w) => isEnglishWord(w));
  const caseRule: Candidate['caseRule'] =
    entity.caseSensitive === true || entity.needsContext === true || isWord || acronym
      ? 'exact'
      : (latin && folded.length <= 4) || (latin && multiWord && rank >= 3) || ordinaryWords
        ? 'capitalised'
        : 'none';
  // (Our own data writes a name in lowercase only when it is so written: libcurl, ngrok.)
  const lowercaseOnly = latin && rank > 0 && aliases.every((a) => a.value === a.value.toLowerCase());
  // The ransomware galaxy names many families after what their notes say ("Donald Trump", "Hitler", "Done"): a
  // name known from it alone needs a cue ("… ransomware", "encrypts") somewhere in the document.
  const ransomwareOnly = entity.aliases.every((a) => a.sources.every((s) => s === 'misp:ransomware'));
  const needsContext =
    !place &&
    (entity.needsContext === true || isWord || shortKana || lowercaseOnly || (rank >= 3 && latin && folded.length <= 4) || ransomwareOnly);
  const weakWord = latin && !place && (rank >= 3 || (isWord && folded.length <= 3)) && (isWord || (!multiWord && isEnglishWord(folded)));
  return {
    entity,
    values,
    caseRule,
    needsContext: needsContext || weakWord,
    rank,
    weakWord,
    lowercaseAlias: aliases.some((a) => a.value === a.value.toLowerCase()),
    upperOnly: latin && folded.length >= 4 && capitalsOnly,
  };
}

/** "apt41" also as "apt 41" and the reverse, "Cobian RAT" also as "CobianRAT", "M00nD3V Logger" as "M00nD3VLogger". */
function spellingVariants(folded: string): string[] {
  const variants = new Set([folded]);
  const joined = /^([a-z0-9]{3,}) (rat|loader|stealer|logger|keylogger|locker)$/.exec(folded);
  if (joined) variants.add(`${joined[1]}${joined[2]}`);
  if (/^[a-z]{2,6} ?-?\d{1,5}$/.test(folded)) {
    variants.add(folded.replace(/^([a-z]+) ?(\d+)$/, '$1$2'));
    variants.add(folded.replace(/^([a-z]+) ?(\d+)$/, '$1 $2'));
  }
  return [...variants];
}

function sourceRank(sources: readonly string[]): number {
  if (sources.includes('kizashi-starter') || sources.includes('kizashi-countries')) return 0;
  if (sources.includes('mitre-attack')) return 1;
  if (sources.some((s) => s.startsWith('misp:mitre-') || s === 'misp:threat-actor' || s === 'misp:producer')) return 2;
  return 3;
}

function caseKey(value: string): string {
  let out = '';
  for (const ch of value.normalize('NFKC')) if (!isDroppedChar(ch.charCodeAt(0))) out += ch;
  return out;
}

function isKatakanaLike(code: number): boolean {
  return (code >= 0x30a1 && code <= 0x30fa) || code === 0x30fc || (code >= 0xff66 && code <= 0xff9f);
}

/**
 * A compiled matcher over a knowledge base. Build once per KB (about a second for the full KB), reuse for
 * every document.
 */
export class Gazetteer {
  private readonly automaton: AhoCorasick;
  private readonly candidates: Candidate[][];
  /** Per software entity, the entities that make it (KB `producers`): a maker named right before it is a cue. */
  private readonly makers = new Map<string, Set<string>>();
  /** Whether a context names a country (by any of its names), for names several states' agencies share. */
  private readonly countryNamed: (code: string, context: string) => boolean;

  constructor(kb: KnowledgeBase) {
    const countryAliases = new Map<string, string[]>();
    this.countryNamed = (code, context) => {
      let names = countryAliases.get(code);
      if (!names) {
        names = (kb.country(code)?.aliases ?? []).map((a) => a.value).filter((v) => v.length >= 2);
        countryAliases.set(code, names);
      }
      return names.some((n) => context.includes(n));
    };
    for (const entity of kb.entities) {
      for (const name of entity.producers ?? []) {
        const makers = this.makers.get(entity.key) ?? new Set<string>();
        for (const maker of kb.lookup(name)) if (maker.kind === 'identity') makers.add(maker.key);
        this.makers.set(entity.key, makers);
      }
    }
    const byPattern = new Map<string, Candidate[]>();
    for (const [folded, entities] of kb.aliasEntries()) {
      if (folded.length < 2 || CALENDAR.has(folded) || /^[\d\p{P}\p{S}\s]+$/u.test(folded)) continue;
      // A stop alias names only what our own data names so: the platforms Dropbox, Discord, YouTube.
      const stop = STOP_ALIASES.has(folded.replace(/ /g, ''));
      for (const entity of entities) {
        const candidate = makeCandidate(entity, folded);
        if (!candidate || (stop && candidate.rank > 0)) continue;
        for (const variant of spellingVariants(folded)) {
          const list = byPattern.get(variant) ?? [];
          if (!list.some((c) => c.entity === entity)) list.push(candidate);
          byPattern.set(variant, list);
        }
      }
    }
    const patterns: string[] = [];
    this.candidates = [];
    for (const [pattern, list] of byPattern) {
      // A country name listed as some malware's alias (galaxies have such errors) stays a country.
      // So does a nationality ("Turkish" is also a ransomware name in one galaxy).
      const kept = list.some((c) => c.entity.kind === 'location') ? list.filter((c) => c.entity.kind === 'location' || c.rank < 3) : list;
      if (kept.length === 0) continue;
      patterns.push(pattern);
      this.candidates.push(kept);
    }
    this.automaton = new AhoCorasick(patterns);
  }

  /**
   * Every entity mention in `text`, longest-leftmost, non-overlapping.
   * @param sentenceOf maps an offset to the [start, end) of its sentence, for context rules.
   */
  find(text: string, sentenceOf: (offset: number) => { start: number; end: number }, folded: FoldedText = foldText(text)): EntityMention[] {
    const raw: { start: number; end: number; list: Candidate[] }[] = [];
    // Only where a name can start (boundaryOk's first rule: not inside a Latin word of the original text).
    this.automaton.scanFrom(folded.text, insideLatinWord(text, folded), INSIDE_WORD, (pattern, fs, fe) => {
      const list = this.candidates[pattern];
      if (!list) return;
      const start = folded.start[fs] ?? 0;
      let end = folded.end[fe - 1] ?? start;
      // A trailing long-vowel mark was folded away but belongs to the word (トレイター).
      while (end < text.length && (text.charCodeAt(end) === 0x30fc || text.charCodeAt(end) === 0xff70)) end++;
      if (!boundaryOk(text, start, end)) return;
      raw.push({ start, end, list });
    });
    // Longest first at each start, then left to right; keep non-overlapping matches that pass the rules.
    raw.sort((a, b) => a.start - b.start || b.end - a.end);
    const confirmed = new Set<string>();
    const chosen: { start: number; end: number; pick: Candidate; confidence: number; contextual: boolean; strict: boolean }[] = [];
    let lastEnd = -1;
    for (const m of raw) {
      if (m.start < lastEnd) continue;
      const surface = text.slice(m.start, m.end);
      const sentence = sentenceOf(m.start);
      const context = text.slice(Math.max(sentence.start, m.start - 80), Math.min(sentence.end, m.end + 80));
      const near = `${text.slice(Math.max(sentence.start, m.start - 24), m.start)} ${text.slice(m.end, Math.min(sentence.end, m.end + 24))}`;
      const written = caseKey(surface);
      const capitalised = /^[A-Z0-9]/.test(written) && written !== written.toLowerCase();
      // An executable's file name is a name in any case: "ping.exe", "Certutil.exe".
      const executable = /^\.exe\b/i.test(text.slice(m.end, m.end + 5)) || /\.exe$/i.test(surface);
      // A name a vendor writes in capitals (GRIFFON), capitalised by another inside a sentence ("a Griffon payload";
      // "Final payload" opens one), right next to a kind noun.
      const recased = (c: Candidate): boolean =>
        capitalised &&
        c.upperOnly &&
        !c.values.includes(written) &&
        /[a-z,] $/.test(text.slice(m.start - 2, m.start)) &&
        (adjacentCue(c.entity.kind, text, m.start, m.end, sentence) || /^[\s-]?payloads?\b/i.test(text.slice(m.end, m.end + 10)));
      const viable = m.list.filter(
        (c) =>
          c.caseRule === 'none' ||
          c.values.includes(written) ||
          (c.caseRule === 'capitalised' && capitalised) ||
          recased(c) ||
          (executable && (c.entity.kind === 'tool' || c.entity.kind === 'malware')),
      );
      if (viable.length === 0) continue;
      let pick = resolve(viable, surface, context, this.countryNamed);
      if (!pick) continue;
      // "DragonForce ransomware", ランサムウェア「DragonForce」: a software noun right by a name that is both a group and
      // its software (ransomware is named after its gang) makes it the software; a ransomware name the KB knows only
      // as a group is left to the entity patterns, which read it as ransomware.
      const before = text.slice(Math.max(0, m.start - 8), m.start);
      const after = text.slice(m.end, m.end + 12);
      if (kindFamily(pick.entity.kind) === 'actor' && (SOFTWARE_NOUN_AFTER.test(after) || SOFTWARE_NOUN_BEFORE.test(before))) {
        const software = viable.find((c) => kindFamily(c.entity.kind) === 'software');
        if (software) pick = software;
        else if (RANSOMWARE_AFTER.test(after) || RANSOMWARE_BEFORE.test(before)) continue;
      }
      if (
        pick.entity.kind === 'sector' &&
        /^[A-Z]/.test(surface) &&
        m.start !== sentence.start &&
        /[A-Za-z]/.test(text[m.start - 2] ?? '')
      ) {
        continue; // "Department of Defense", "Global Research Team": part of a name, not a sector
      }
      // A galaxy-only name written in lowercase ("autorun", "targetcompany") is a word, unless the sources write it so.
      const lowercased = pick.rank >= 2 && !pick.lowercaseAlias && /[a-z]/.test(written) && written === written.toLowerCase();
      // Written exactly as a KB spelling with a capital inside a word ("cURL", "BloodHound"): no ordinary word.
      const camel = /[a-z][A-Z]/.test(written) && pick.values.includes(written) && pick.rank <= 2;
      const strict = !camel && (pick.weakWord || lowercased);
      const contextual = !camel && (pick.needsContext || lowercased);
      // ("explorer.exe" is Windows Explorer, whatever a galaxy calls "Explorer"; "csgo.exe" in a list of processes a
      // miner kills is a game, whatever an open galaxy calls "CSGO": only curated malware names its executable.)
      const software = executable && (pick.entity.kind === 'tool' || (pick.entity.kind === 'malware' && !pick.weakWord && pick.rank <= 2));
      // "Joker's Stash": a possessive that opens a longer name is no mention of the name's own entity.
      const namePart = /^['’]s [A-Z]/.test(text.slice(m.end, m.end + 4));
      // An organisation of our own data whose name is also a word ("Google", "Telegram", "Oracle"), written exactly so
      // inside a sentence, is the organisation; at a sentence's start it still needs a cue.
      const properNoun =
        pick.rank === 0 &&
        pick.entity.kind === 'identity' &&
        pick.values.includes(written) &&
        insideSentence(text, m.start, sentence.start);
      // "NSO Group's Pegasus", NSOグループの「ペガサス」: its maker, named right before it, says which Pegasus.
      const previous = chosen[chosen.length - 1];
      const byMaker =
        previous !== undefined &&
        !previous.contextual &&
        (this.makers.get(pick.entity.key)?.has(previous.pick.entity.key) ?? false) &&
        MAKER_GAP.test(text.slice(previous.end, m.start));
      const cued =
        properNoun ||
        byMaker ||
        linksToAttack(pick.entity, text, m.end) ||
        recased(pick) ||
        (!namePart &&
          (strict ? adjacentCue(pick.entity.kind, text, m.start, m.end, sentence) : hasCue(pick.entity.kind, `${near} ${surface}`)));
      if (contextual && !software && !cued) {
        // Keep it pending: accepted later if the entity is confirmed elsewhere in the document.
        chosen.push({ start: m.start, end: m.end, pick, confidence: 50, contextual: true, strict });
        lastEnd = m.end;
        continue;
      }
      confirmed.add(pick.entity.key);
      const confidence = Math.max(40, 95 - (viable.length - 1) * 15 - (contextual ? 15 : 0) - pick.rank * 5);
      chosen.push({ start: m.start, end: m.end, pick, confidence, contextual: false, strict });
      lastEnd = m.end;
    }
    // A pending word-like name is accepted when the entity is confirmed elsewhere, or when it stands in a list
    // next to a confirmed name of the same family ("DoppelPaymer, Maze, Netwalker").
    const listed = (c: (typeof chosen)[number]): boolean =>
      chosen.some(
        (o) =>
          !o.contextual &&
          kindFamily(o.pick.entity.kind) === kindFamily(c.pick.entity.kind) &&
          (Math.abs(o.start - c.end) <= 6 || Math.abs(c.start - o.end) <= 6) &&
          LIST_GAP.test(o.start >= c.end ? text.slice(c.end, o.start) : text.slice(o.end, c.start)),
      );
    return chosen
      .filter((c) => !c.contextual || (confirmed.has(c.pick.entity.key) && !c.strict) || listed(c))
      .map((c) => ({
        entity: c.pick.entity,
        start: c.start,
        end: c.end,
        surface: text.slice(c.start, c.end),
        alias: aliasWritten(c.pick.entity, text.slice(c.start, c.end)),
        confidence: c.confidence,
      }));
  }
}

/** The KB alias a surface writes (case and dropped characters aside), else the surface itself. */
function aliasWritten(entity: KbEntity, surface: string): string {
  let byKey = ALIAS_KEYS.get(entity);
  if (!byKey) {
    byKey = new Map();
    for (const a of entity.aliases) {
      const key = caseKey(a.value).toLowerCase();
      if (!byKey.has(key)) byKey.set(key, a.value);
    }
    ALIAS_KEYS.set(entity, byKey);
  }
  return byKey.get(caseKey(surface).toLowerCase()) ?? surface;
}
/** Per entity, its aliases by case-free key: computed on first use (most entities are never mentioned). */
const ALIAS_KEYS = new WeakMap<KbEntity, Map<string, string>>();

/** A match must not start or end inside a word: Latin letters next to Latin letters, katakana next to katakana. */
function boundaryOk(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  const after = end < text.length ? text.charCodeAt(end) : 32;
  if (isLatinAlnum(first) && isLatinAlnum(before)) return false;
  if (isLatinAlnum(last) && isLatinAlnum(after)) return false;
  if (isKatakanaLike(first) && isKatakanaLike(before)) return false;
  if (isKatakanaLike(last) && isKatakanaLike(after)) return false;
  // "U.S.-based": fine; "example.com": an alias must not be glued to a domain-like dot continuation.
  if (after === 0x2e && isLatinAlnum(text.charCodeAt(end + 1)) && isLatinAlnum(last) && !/^\.exe\b/i.test(text.slice(end, end + 5))) {
    return false;
  }
  if (before === 0x2e && isLatinAlnum(text.charCodeAt(start - 2)) && isLatinAlnum(first)) return false;
  // Paths and handles: "/emotet", "@lazarus", "_loader".
  if (before === 0x40 || before === 0x5f || after === 0x5f) return false;
  return true;
}

/**
 * Whether a word, a comma, a semicolon or a closing parenthesis comes before `start` in its sentence (spaces
 * between): the name does not open the sentence. It looks back only over the spaces, so many names in one long
 * sentence cost linear time (a regular expression over the sentence so far was quadratic).
 */
function insideSentence(text: string, start: number, sentenceStart: number): boolean {
  let i = start - 1;
  while (i >= sentenceStart && /\s/.test(text[i] ?? '')) i--;
  return i >= sentenceStart && /[A-Za-z0-9,;)]/.test(text[i] ?? '');
}

/** A kind noun right before or after the name: "Christmas ransomware", "the ransomware Christmas", "First group". */
function adjacentCue(kind: EntityKind, text: string, start: number, end: number, sentence: { start: number; end: number }): boolean {
  const after = text.slice(end, Math.min(sentence.end, end + 24));
  const before = text.slice(Math.max(sentence.start, start - 16), start);
  const actor = kind === 'intrusion-set' || kind === 'threat-actor' || kind === 'campaign';
  const m = (actor ? ADJACENT_ACTOR : ADJACENT_SOFTWARE).exec(after);
  if (m && /^[\s-]*$/.test(after.slice(0, m.index))) return true;
  // The last kind noun before the name, with nothing but spaces or quotes between them.
  const last = [...before.matchAll(actor ? ADJACENT_ACTOR_ALL : ADJACENT_SOFTWARE_ALL)].pop();
  return last !== undefined && /^[\s"'“”]*$/.test(before.slice(last.index + last[0].length));
}
/** "[Patchwork](https://attack.mitre.org/groups/G0040/)": the link names the entity, whatever the word means. */
function linksToAttack(entity: KbEntity, text: string, end: number): boolean {
  if (!entity.mitreId || text.charCodeAt(end) !== 0x5d) return false;
  const id = ATTACK_LINK.exec(text.slice(end, end + 64))?.[1];
  return id !== undefined && id.toUpperCase() === entity.mitreId.toUpperCase();
}
const ATTACK_LINK = /^\]\(\s?https?:\/\/attack\.mitre\.org\/(?:groups|software|campaigns)\/([GSC]\d{4})\b/i;

/** The kind-noun patterns above, for finding every occurrence. */
const ADJACENT_ACTOR_ALL = new RegExp(ADJACENT_ACTOR.source, 'gi');
const ADJACENT_SOFTWARE_ALL = new RegExp(ADJACENT_SOFTWARE.source, 'gi');

/** Between a maker and what it makes: "NSO Group's Pegasus", "Intellexa Predator", NSOグループの「ペガサス」. */
const MAKER_GAP = /^(?:['’]s\s+|\s+|の)[「『“"]?$/;

/** A software noun right after a name, or right before it in Japanese brackets (ランサムウェア「…」). */
const SOFTWARE_NOUN_AFTER =
  /^[\s-]?(?:ransomware|malware|backdoor|loader|stealer|infostealer|trojan|RAT|botnet|wiper)\b|^(?:ランサムウェア|マルウェア|バックドア)/i;
const SOFTWARE_NOUN_BEFORE = /(?:ランサムウェア|マルウェア|バックドア)[「『]$/;
const RANSOMWARE_AFTER = /^[\s-]?ransomware\b|^ランサムウェア/i;
const RANSOMWARE_BEFORE = /ランサムウェア[「『]$/;

const RANSOMWARE_CREW = /\b(?:gang|operators|affiliates|crew)\b/i;

function hasCue(kind: EntityKind, near: string): boolean {
  switch (kind) {
    case 'intrusion-set':
    case 'threat-actor':
    case 'campaign':
      return ADJACENT_ACTOR.test(near);
    case 'malware':
    case 'tool':
      // Ransomware is named after its operators and the reverse: "the Maze gang", "operators of Maze".
      return ADJACENT_SOFTWARE.test(near) || /\btools?\b|ツール/i.test(near) || (kind === 'malware' && RANSOMWARE_CREW.test(near));
    default:
      return CUE_ORG.test(near) || JAPANESE_AROUND.test(near);
  }
}

/** Pick one entity for an ambiguous alias: its own name first, then the most authoritative alias, then context. */
function resolve(
  viable: readonly Candidate[],
  surface: string,
  context: string,
  countryNamed: (code: string, context: string) => boolean,
): Candidate | undefined {
  if (viable.length === 1) return viable[0];
  const key = caseKey(surface).toLowerCase();
  const software = CUE_SOFTWARE.test(context);
  const actor = CUE_ACTOR.test(context);
  const kindCued = (kind: EntityKind): boolean => (kindFamily(kind) === 'software' && software) || (kindFamily(kind) === 'actor' && actor);
  const score = (c: Candidate): number => {
    let s = 0;
    if (caseKey(c.entity.name).toLowerCase() === key) s += 100;
    s -= c.rank * 20;
    if (kindCued(c.entity.kind)) s += 15;
    // Agencies of one name in several states ("the Netherlands' National Cyber Security Centre"): the one whose
    // country the sentence names.
    if (c.entity.country && viable.some((o) => o.entity.country !== c.entity.country) && countryNamed(c.entity.country, context)) s += 30;
    s += Math.min(c.entity.sources.length, 5) * 2;
    // Among entities of one kind, one that needs a cue its kind does not have here yields, even its own name, to one
    // that needs none: a table row "| Thanos | August 2020 |" is Hakbit (Malpedia: "Thanos"), not the ransomware
    // galaxy's cue-needing "thanos". (Between kinds the cue rules decide later: "NSO Group and Candiru" stays the
    // company, confirmed by the list it stands in.)
    if (
      c.needsContext &&
      !kindCued(c.entity.kind) &&
      viable.some((o) => !o.needsContext && kindFamily(o.entity.kind) === kindFamily(c.entity.kind))
    )
      s -= 150;
    return s;
  };
  return [...viable].sort((a, b) => score(b) - score(a))[0];
}
