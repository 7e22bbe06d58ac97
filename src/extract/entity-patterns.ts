// Entities found by their shape rather than by name: organisations (〜社, 〜省, "… Inc."), newly
// named malware and groups ("X ransomware", グループ「X」), and one-kanji country abbreviations (米英豪加).
// Every regular expression here is linear: bounded repetitions, no nested quantifiers.
import type { EntityKind, KbEntity } from '../kb/entity.js';
import { isEnglishWord } from '../kb/english-words.js';
import { entityKey, type KnowledgeBase } from '../kb/knowledge-base.js';
import { execAll } from '../text/exec-all.js';
import { hasJapanese } from '../text/language.js';

export interface PatternMention {
  readonly entity: KbEntity;
  readonly start: number;
  readonly end: number;
  readonly surface: string;
  readonly confidence: number;
}

/** A KB-shaped entity for something the KB does not know yet. */
export function patternEntity(kind: EntityKind, name: string, extra: Partial<KbEntity> = {}): KbEntity {
  return {
    key: entityKey(kind, name),
    kind,
    name,
    aliases: [{ value: name, sources: ['kizashi-pattern'] }],
    sources: ['kizashi-pattern'],
    externalRefs: [],
    roles: [],
    ...extra,
  };
}

const SOFTWARE_NOUNS =
  'ransomware|malware|backdoor|trojan|loader|stealer|infostealer|botnet|RAT|wiper|spyware|implant|downloader|dropper|keylogger|rootkit|bootkit|web shell|webshell';
/** The kind nouns as a title writes them: "Ares Malware: …", "Taurus Stealer". */
const SOFTWARE_NOUNS_TITLE = SOFTWARE_NOUNS.replace(/(^|\|)([a-z])/g, (_m: string, bar: string, c: string) => bar + c.toUpperCase());
const NEW_SOFTWARE_EN = new RegExp(
  `\\b((?:[A-Z][A-Za-z0-9]{1,24} ){0,2}[A-Z][A-Za-z0-9]{2,24}(?:[ .-]?v?\\d{1,2}(?:\\.\\d{1,2})?)?) (?:${SOFTWARE_NOUNS}|${SOFTWARE_NOUNS_TITLE})\\b`,
  'g',
);
/** "the CyaX packer", "a ConfuserEx crypter", "Coak Crypter" (a title-case noun is part of the name): tools that wrap malware. */
const NEW_TOOL_EN = /\b([A-Z][A-Za-z0-9]{2,24}) (?:packer|crypter|obfuscator|(Packer|Crypter))s?\b/g;
/** Nouns that say what a newly named piece of software is (tool, packer, crypter and builder make it a tool). */
const KIND_NOUNS =
  'malware|backdoor|trojan|RAT|stealer|infostealer|loader|ransomware|botnet|rootkit|bootkit|implant|keylogger|downloader|dropper|wiper|spyware|tool|packer|crypter|builder';
/** "WinspySuite, a remote access and information stealing malware": a name, then what it is. */
const APPOSITIVE_SOFTWARE_EN = new RegExp(
  `\\b([A-Z][A-Za-z0-9]{2,24}), (?:a|an) (?:[a-z-]{2,20},? (?:and |or )?){0,5}?(${KIND_NOUNS})\\b`,
  'g',
);
/**
 * "a document builder, known in the underground as “EtterSilent”", "Internally referred to as Peyvand, the
 * malware …": a naming phrase with a kind noun just before or just after it.
 */
const KNOWN_AS_EN =
  /\b(?:known|referred to|called|named|dubbed|tracks|tracked)(?: (?:in|by|on|to|internally|the|underground|its|authors|developers|researchers)){0,3} as ["“‘']?([A-Z][A-Za-z0-9_-]{2,24})[,"”’']?/g;
/** A person just before a naming phrase: "a developer known as …", "its administrator, known as …". */
const PERSON_BEFORE =
  /\b(?:developer|author|coder|programmer|administrator|admin|operator|member|individual|person|hacker|seller|leader|founder|suspect|man|woman|user|persona)s?,? (?:(?:who is|who was|also|better|widely|publicly|online)\s)?$/;
const KIND_NOUN_EN = new RegExp(`\\b(${KIND_NOUNS})s?\\b`);
const KIND_NOUN_EN_ALL = new RegExp(KIND_NOUN_EN.source, 'g');
const NAME_NOUN_TITLE = /^(?:Stealer|Infostealer|Loader|Botnet|Downloader|Dropper|Keylogger|Wiper|Implant|Rootkit)$/;
/** "… ransomware attack on", "… malware incident": the name before the kind noun is the victim's. */
const VICTIM_AFTER = /^ (?:attacks?|incidents?|breach(?:es)?|victims?|outbreak)\b/;
/** "another packer that Zscaler has dubbed BMPack": a naming verb with a kind noun shortly before it. */
const DUBBED_EN =
  /\b(?:dubbed|named|nicknamed|christened) ["“‘']?([A-Z][A-Za-z0-9_-]{2,24}(?: [A-Z][A-Za-z0-9]{2,15}(?=[\s,.;:”"’']|$))?)(?:[”"’']? and ["“‘']?([A-Z][A-Za-z0-9_-]{2,24}(?: [A-Z][A-Za-z0-9]{2,15}(?=[\s,.;:”"’']|$))?))?/g;
const CODE_NOUN_BEFORE =
  /\b(?:class|function|method|module|file|folder|directory|variable|parameter|field|key|value|process|service|task|mutex|string|section|resource|export|account|user)(?:e?s)? $/i;
/** Things besides software that a naming verb names: "an operation named Cronos", "a task force dubbed …". */
const NOT_SOFTWARE_NOUN_BEFORE =
  /\b(?:operation|campaign|investigation|takedown|crackdown|effort|initiative|program(?:me)?|project|exercise|event|conference|report|task force|persona|suspect|forum|site|channel|marketplace|company|firm)s? $/i;
/** "We assessed ReconHellcat as a high-capability APT group". */
const ASSESSED_ACTOR_EN =
  /\b(?:assess(?:ed)?|consider(?:ed)?|believe[sd]?|judge[sd]?) ([A-Z][A-Za-z0-9]{2,24}) (?:as|to be) (?:a|an|the) (?:[\w-]{2,24} ){0,3}(?:group|actor|gang|crew)\b/g;
/** "an Ares sample", "Ares payloads": weaker cues, counted only towards a name that is also an ordinary word. */
const SAMPLE_CUE_EN = /\b([A-Z][a-z]{2,24}) (?:payloads?|samples?)\b/g;
/** A name that is also an ordinary word ("Ares") needs this many cued places in one document. */
const WORD_NAME_CUES = 3;
const NEW_SOFTWARE_EN_DUBBED = new RegExp(`\\b(?:${SOFTWARE_NOUNS}) (?:dubbed|called|named|known as) ["“]?([A-Z][A-Za-z0-9-]{2,24})`, 'g');
const NEW_SOFTWARE_JA = /([A-Za-z][A-Za-z0-9.-]{2,24})(?:ランサムウェア|マルウェア|バックドア|スティーラー|ローダー|ボットネット)/g;
/** 「Voidlinkと呼ばれるバックドア」: a Latin name, a naming phrase, then the kind noun. */
const CALLED_SOFTWARE_JA =
  /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9._-]{2,24})(?:と呼ばれる|という|と名付けられた)(?:新たな|新しい|独自の)?(?:マルウェア|バックドア|ランサムウェア|ローダー|スティーラー|ワイパー)/g;
/**
 * "government, technology, media and telecommunication sectors" (or networks, systems, companies …): the sectors of
 * a list before the noun. The nouns are found with indexOf, and the list is read back from each (a pattern tried at
 * every lowercase word cost 3% of English extraction).
 */
const SECTOR_LIST_HEADS = [
  'sectors',
  'industries',
  'verticals',
  'networks',
  'systems',
  'companies',
  'firms',
  'organisations',
  'organizations',
  'operators',
  'providers',
  'facilities',
];
/** The words of a list that end right before a head noun, at most eight. */
const SECTOR_LIST_BEFORE = /(?<![A-Za-z0-9_])((?:[a-z]{3,20},? (?:and |or )?){1,8})$/;

/** Where the lists of sectors are: [start, words] of each, in text order, no two overlapping. */
function sectorLists(text: string): { start: number; words: string }[] {
  const heads: [number, number][] = [];
  for (const head of SECTOR_LIST_HEADS) {
    for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, at + head.length)) {
      const end = at + head.length;
      if (text.charCodeAt(at - 1) === 32 && !/\w/.test(text[end] ?? '')) heads.push([at, end]);
    }
  }
  heads.sort((a, b) => a[0] - b[0]);
  const lists: { start: number; words: string }[] = [];
  let lastEnd = 0;
  for (const [at, end] of heads) {
    // (From the last list's noun on, and never from inside a word.)
    let from = Math.max(lastEnd, at - 210);
    while (from > lastEnd && from < at && /\w/.test(text[from - 1] ?? '')) from++;
    const m = SECTOR_LIST_BEFORE.exec(text.slice(from, at));
    if (!m) continue;
    lists.push({ start: from + m.index, words: m[1] ?? '' });
    lastEnd = end;
  }
  return lists;
}
const NEW_SOFTWARE_JA_QUOTED =
  /(?:ランサムウェア|マルウェア|バックドア|スティーラー|スパイウェア|ローダー|ボットネット|ワイパー)「([^」\n]{2,40})」/g;
const NEW_ACTOR_JA_QUOTED =
  /(?:サイバースパイグループ|ハッカーグループ|攻撃グループ|脅威グループ|脅威アクター|ハッカー集団|犯罪グループ|APTグループ|グループ)「([^」\n]{2,40})」/g;
/** 「SEVENSPIDER」を名乗るグループ, 「X」（エックス）と呼ばれる攻撃グループ: a quoted name, then a naming verb and a group noun. */
const NAMED_ACTOR_JA =
  /「([^」\n]{2,40})」(?:（[^）\n]{1,30}）)?(?:を|と)(?:名乗る|呼ばれる|称する)(?:サイバー)?(?:攻撃|ハッカー|犯罪|ランサムウェア|脅威)?(?:グループ|集団|組織|アクター)/g;
const NEW_ACTOR_EN =
  /\b(?:threat actor|threat group|APT group|hacking group|cybercrime group|ransomware gang|threat cluster|activity cluster|hacker group)s? (?:(?:that |which )?(?:we|researchers|analysts)(?: have)?(?: previously)? )?(?:known as |dubbed |called |named |tracked as |track as )?["“‘']?((?:[A-Z][A-Za-z0-9]{1,20}|DEV-\d{4})(?: [A-Z][a-z]{2,15}){0,2})/g;

/** "an APT group named “ReconHellcat”", "a gang dubbed Zorgon": a bare group noun, then a naming verb. */
const NAMED_ACTOR_EN =
  /\b(?:group|actor|gang|crew|cluster)s? (?:named|dubbed|called|known as|tracked as|calling itself|that calls itself|(?:(?:that|which) )?(?:it|we|they|[A-Z][A-Za-z]{2,20}) tracks? as) ["“‘']?((?:[A-Z][A-Za-z0-9]{1,20})(?: [A-Z][a-z]{2,15}){0,2})/g;

/**
 * A list entry or line that defines a name: "MURKYSHELL: malware capable of scanning ports", "* **NiiJ Stealer -**
 * A very basic stealer", "DISHCLOTH: Brute force tool". The kind noun must come within four words.
 */
const DEFINED_SOFTWARE_EN =
  /(?:^|(?<=[a-z)\]][.!?] ))[ \t]{0,8}(?:[*•▪+-][ \t]{1,4})?(?:\*\*)?([A-Z][A-Za-z0-9_]{2,24}(?: [A-Z][A-Za-z0-9_]{1,24})?)(?:\*\*)?[ \t]?(?::|[-–—])(?:\*\*)?[ \t]{1,4}(?:[A-Za-z-]{1,20}[ \t]){0,3}?(malware|tool|backdoor|trojan|loader|stealer|infostealer|RAT|rootkit|implant|packer|crypter|builder|keylogger|downloader|dropper|ransomware|wiper|botnet)\b/gm;
const TOOL_NOUN = /^(?:tool|packer|crypter|builder)$/;
/** The kind a kind noun gives a new name. */
const softwareKind = (noun: string): EntityKind => (TOOL_NOUN.test(noun) ? 'tool' : 'malware');
/** The last kind noun in `before` (the words just before a naming phrase). */
const lastKindNoun = (before: string): string | undefined => [...before.matchAll(KIND_NOUN_EN_ALL)].pop()?.[1];

/** A list of quoted names after a kind noun: "the following tools: “QuarksPWdump” and “Mimikatz”". */
const QUOTED_LIST_HEAD =
  /\b(tools?|utilities|binaries|programs|commands|malware|backdoors|implants)(?:,? (?:such as|like|including|namely))?:?[ \t]{0,3}(?=[“"])/g;
/** Unquoted malware listed after a plural kind noun: "web shells such as GLASSTOKEN", "backdoors including X and Y". */
const SUCH_AS_LIST_HEAD =
  /\b(?:web shells?|malware|backdoors|implants|droppers|loaders|stealers|trojans|RATs|ransomware families|malware families)(?:,)? (?:such as|including) (?=[A-Z])/g;
const SUCH_AS_LIST_ITEM = /([A-Z][A-Za-z0-9_-]{2,24})(?:, (?:and |or )?|,? (?:and|or) )?/y;
const QUOTED_LIST_ITEM =
  /[“"][ \t]?([A-Za-z][\w.-]{1,30}(?: [A-Za-z][\w.-]{1,30}){0,2})[ \t]?[”"](?:[ \t]{0,2}(?:,|、)?[ \t]{0,3}(?:and |or )?)?/y;

/** "known by the aliases ‘Hydro’ and ‘JiiN’", "a.k.a. Zorgon": names given as aliases of an actor. */
const ALIASES_EN =
  /\b(?:alias(?:es)?|aka|a\.k\.a\.)\s{1,3}[‘'"“]?([A-Z][A-Za-z0-9]{1,30})[’'"”]?(?:\s{0,2}(?:,|and|or)\s{0,2}[‘'"“]?([A-Z][A-Za-z0-9]{1,30})[’'"”]?)?/g;

/** "Groove gang", "the Conti group", "the FIN7 crew": a capitalised name before a group noun. */
const NAMED_GROUP_EN =
  /\b([A-Z][A-Za-z0-9]{2,20}|[A-Z](?:\.[A-Z]){1,4}\.?) (?:gang|crew|hacking group|threat group|APT group|cybercrime group|group)\b/g;

/** Vendors' tracking names for groups: TA505, UNC2452, DEV-0537, Storm-0558, APT41, FIN7. */
const VENDOR_ACTOR_ID =
  /\b(TA\d{3,4}|UNC\d{3,5}|DEV-\d{4}|Storm-\d{4}|APT ?\d{1,3}|FIN\d{1,2}|TAG-\d{2,3}|UAC-\d{4}|UAT-?\d{3,4}|UNK_[A-Z][A-Za-z0-9]{2,30})\b/g;

const ORG_SUFFIX_EN =
  /\b((?:[A-Z][A-Za-z0-9&'-]{1,24} ){0,3}[A-Z][A-Za-z0-9&'-]{1,24}),? (?:Inc\.|Corp\.|Corporation|Ltd\.|LLC|GmbH|Co\., Ltd\.|S\.A\.|AG|PLC)(?=\W|$)/g;
/** Universities, hospitals and airports, often in the news as victims: "Harvard University", "Brussels Airport". */
const INSTITUTION_EN =
  /\b(?:(?!(?:The|A|An|This|Its|Our|Their) )(?:[A-Z][A-Za-z'-]{1,24} ){1,3}(?:University|Hospital|College|Medical Cent(?:er|re)|Health System|Airport)|University of [A-Z][a-z]{2,20}(?: [A-Z][a-z]{2,20}){0,2})\b/g;
/**
 * A company named with what it is in apposition: "PowerSchool, a US provider of software for schools", "Ascension,
 * one of the largest private health systems" (names the KB knows keep their kind).
 */
const APPOSITION_COMMA_EN = /, (?:an?|one of the) /g;
const APPOSITION_NAME_EN = /\b((?:[A-Z][A-Za-z0-9&.'-]{1,24} ){0,2}[A-Z][A-Za-z0-9&.'-]{1,24})$/;
const APPOSITION_WHAT_EN =
  /^(?:[A-Za-z.-]{2,20} ){0,4}?(?:company|provider|maker|manufacturer|firm|vendor|retailer|bank|insurer|carrier|airline|publisher|broadcaster|conglomerate|supplier|distributor|giant|utility|hospital|health system|health systems|chain|exchange)\b/;
/** "The campaign, which Cisco calls ArcaneDoor", "a campaign dubbed Operation Dream Job", "named the campaign Operation Triangulation". */
const CAMPAIGN_EN =
  /\b(?:(?:named|dubbed|called) (?:the|this) campaign|campaigns?,? (?:(?:that|which) (?:it|we|researchers|[A-Z][A-Za-z]{2,20}) (?:calls?|dubbed|named|tracks? as)|dubbed|named|called|known as|tracked as)) ["“]?([A-Z][A-Za-z0-9]{2,24}(?: [A-Z][A-Za-z0-9]{2,15}){0,3})/g;
/** "the ArcaneDoor campaign": a name of no other kind, before the noun (a word or a known name is none). */
const NAME_BEFORE_CAMPAIGN_EN = /\bthe ([A-Z][A-Za-z0-9]{2,24}) campaign\b/g;
const MINISTRY_EN =
  /\b(?:Ministry|Department) of (?:(?:the|and|for) )?[A-Z][a-z]{2,20}(?: (?:and|of|the) [A-Z][a-z]{2,20}| [A-Z][a-z]{2,20}){0,3}/g;
const ORG_JA_SHA =
  /((?:[A-Z][A-Za-z0-9&.-]{1,24})(?: [A-Z][A-Za-z0-9&.-]{1,24}){0,3}|[ァ-ヴ][ァ-ヴー・]{1,20})社(?![会員長内外債名交屋宅])/g;
const AGENCY_JA = /(?<![一-龯])([一-龯]{2,10}(?:省|庁))(?![一-龯])/g;
/** Prefectural police, who report and investigate cyber crime in Japan: 愛知県警, 大阪府警察本部, 北海道警. */
const POLICE_JA = /(?<![一-龯])([一-龯]{1,4}?(?:県警察本部|府警察本部|道警察本部|県警察|府警察|道警察|県警|府警|道警))(?![一-龯])/g;
const POLICE_FACTS: Partial<KbEntity> = { roles: ['government-agency'], country: 'JP' };
/** Hospitals, medical centres and universities, often in the news as ransomware victims: 岡山県精神科医療センター, 近畿大学. */
const INSTITUTION_JA = /(?<![一-龯ァ-ヴー・])([一-龯ァ-ヴー][一-龯ァ-ヴー・]{1,16}?(?:病院|医療センター|大学))(?![一-龯ァ-ヴー])/g;
/** A town's name in hiragana (つるぎ, いわき): no particle inside it, and no conjunction (また, なお). */
const TOWN_IN_HIRAGANA =
  /(?<![ぁ-ん])(?![ぁ-ん]*[のはがをにでともやへ])(?!(?:また|なお|ただし|しかし|および|ならびに|あるいは|もしくは)$)[ぁ-ん]{2,6}$/;
/** A name that only says which kind of institution (大学病院, 総合病院) or refers back to one (同病院, 各大学). */
const GENERIC_INSTITUTION_JA =
  /^(?:[同当各本他両全某]|(?:大学|総合|民間|公立|私立|国立|市立|町立|村立|県立|府立|都立|道立|地域|基幹|中核|一般|精神科|医療|複数|市内|県内|国内|海外)(?:病院|医療センター|大学)$)/;
/**
 * Where a Japanese text names a hospital, medical centre or university in full (see INSTITUTION_JA). Such a name is
 * one mention: the sector or place words inside it (医療 in 岡山県精神科医療センター, 中国 in 中国労災病院) name nothing.
 */
export function institutionSpans(text: string): [number, number][] {
  if (!text.includes('病院') && !text.includes('大学') && !text.includes('医療センター')) return [];
  const spans: [number, number][] = [];
  for (const m of execAll(INSTITUTION_JA, text)) {
    if (GENERIC_INSTITUTION_JA.test(m[1] ?? '')) continue;
    // A town written in hiragana opens the name: つるぎ町立半田病院.
    const town = /^[町市村]立/.test(m[1] ?? '') ? TOWN_IN_HIRAGANA.exec(text.slice(Math.max(0, m.index - 7), m.index)) : null;
    spans.push([m.index - (town?.[0].length ?? 0), m.index + m[0].length]);
  }
  return spans;
}
/** A Latin-script name right after a Japanese noun for a business: 暗号資産交換業者Garantex, 米IT企業SolarWinds. */
const ORG_AFTER_NOUN_JA =
  /(?:業者|企業|会社|事業者|取引所|ベンダー|メーカー)[「『]?([A-Z][A-Za-z0-9&.-]{1,24}(?: [A-Z][A-Za-z0-9&.-]{1,24}){0,2})(?![A-Za-z0-9])/g;
/**
 * Japanese companies by the words that end their names (小島プレス工業, 日立製作所, 三菱商事): a kanji or katakana stem
 * of two to twelve characters that is not a generic one (大手建設, 国内化学).
 */
const COMPANY_SUFFIX_JA =
  /(?<![一-龯ァ-ヴー・])((?![大中国海同各関地他][手堅内外連元社])[一-龯ァ-ヴー・]{2,12}?(?:工業|製作所|電機|商事|建設|化学工業|製薬|重工業|精機|食品|プレス))(?![一-龯ァ-ヴー])/g;
const COMPANY_ENDINGS_JA = ['工業', '製作所', '電機', '商事', '建設', '製薬', '精機', '食品', 'プレス'];
/** Holding companies: アサヒグループホールディングス, Zホールディングス. */
const HOLDINGS_JA = /(?<![ァ-ヴー・A-Za-z])((?:[ァ-ヴ][ァ-ヴー・]{1,20}?|[A-Z][A-Za-z0-9&.-]{0,24})ホールディングス)/g;

/** Words that look like names before "ransomware" etc. but are not names. */
const NOT_NAMES = new Set([
  'the',
  'this',
  'that',
  'these',
  'new',
  'novel',
  'custom',
  'other',
  'its',
  'their',
  'our',
  'your',
  'any',
  'some',
  'such',
  'first',
  'android',
  'windows',
  'linux',
  'macos',
  'mobile',
  'banking',
  'python',
  'powershell',
  'golang',
  'rust',
  'java',
  'javascript',
  'php',
  'net',
  'web',
  'commodity',
  'modular',
  'fileless',
  'destructive',
  'malicious',
  'remote',
  'access',
  'data',
  'crypto',
  'mining',
  'information',
  'credential',
  'password',
  'email',
  'office',
  'several',
  'multiple',
  'known',
  'popular',
  'notorious',
  'infamous',
  'russian',
  'chinese',
  'iranian',
  'korean',
  'north',
  'state',
  'second',
  'stage',
  'initial',
  'final',
  'same',
  'generic',
  'shellcode',
  'sophisticated',
  'dubbed',
  'called',
  'named',
  'another',
  'which',
  'what',
  'when',
  'while',
  'with',
  'from',
  'into',
  'iot',
  'elf',
  'dll',
  'exe',
  'apt',
  'rat',
  'ransomware',
  'malware',
  'trojan',
  'backdoor',
  'many',
  'most',
  'more',
  'all',
  'both',
  'each',
  'one',
  'two',
  'three',
  'and',
  'or',
  'for',
  'via',
  'using',
  'deploy',
  'deploys',
  'deployed',
  'deliver',
  'delivers',
  'delivered',
  'drop',
  'drops',
  'dropped',
  'install',
  'installs',
  'installed',
  'load',
  'loads',
  'loaded',
  'download',
  'downloads',
  'a',
  'an',
  'as',
  'by',
  'in',
  'of',
  'on',
  'to',
  'if',
  'it',
  'is',
  'was',
  'be',
  'has',
  'had',
  'have',
  'not',
  'no',
]);

const JA_AGENCY_STOP = new Set(['同省', '同庁', '各省', '各省庁', '関係省庁', '省庁', '政府省庁', '関係各省', '中央省庁']);

/**
 * The words of a candidate name without the function words around it: "The Emotet" → Emotet, "Kronos Banking" (from
 * "Kronos Banking Trojan") → Kronos.
 */
function nameWords(raw: string): string[] {
  const words = raw.trim().split(' ');
  while (words.length > 0 && NOT_NAMES.has((words[0] ?? '').toLowerCase())) words.shift();
  while (words.length > 1 && NOT_NAMES.has((words[words.length - 1] ?? '').toLowerCase())) words.pop();
  return words;
}

/** A candidate that cleanName refused only for being one ordinary word ("Ares"): it may still be a name. */
function wordName(raw: string): string | undefined {
  const words = nameWords(raw);
  const name = words[0] ?? '';
  return words.length === 1 && /^[A-Z][a-z]{2,}$/.test(name) && !NOT_NAMES.has(name.toLowerCase()) && !/(?:ed|ing)$/.test(name)
    ? name
    : undefined;
}

/** Drop leading function words ("The Emotet" → "Emotet"); undefined when nothing name-like remains. */
function cleanName(raw: string, quoted = false): string | undefined {
  const words = nameWords(raw);
  const name = words.join(' ');
  if (name.length < 2 || NOT_NAMES.has(name.toLowerCase())) return undefined;
  // Short acronyms before "malware"/"group" are kinds, not names (PoS malware, ATM malware, RaaS group).
  if (/^[A-Z][A-Za-z]?[A-Z]{0,3}$/.test(name) && name.length <= 4 && name === name.toUpperCase()) return undefined;
  if (/^(?:[RMSIPDC]aaS|PoS)$/.test(name)) return undefined; // service models and point of sale, not names
  // A single ordinary word ("Final", "Delivering") is not a name; "Hallaj Pro" is.
  // Quoted as a name ("the aliases ‘Hydro’ and ‘JiiN’"), a word is a name.
  if (!quoted && words.length === 1 && /^[A-Z][a-z]+$/.test(name) && isEnglishWord(name)) return undefined;
  // Nor is a participle that opens a sentence ("Deobfuscated downloader", "Emerging botnet").
  if (!quoted && words.length === 1 && /^[A-Z][a-z]{3,}(?:ed|ing)$/.test(name)) return undefined;
  return name;
}

/**
 * The items of every list that `head` opens in `text`: the sticky `item` pattern matched again and again right after
 * the head, until it fails. An item matched as its bare name, with no separator after it, also ends the list (a name
 * longer than the item pattern allows is not read as two).
 */
function* listItems(head: RegExp, item: RegExp, text: string): Generator<{ head: RegExpExecArray; item: RegExpExecArray }> {
  for (const h of execAll(head, text)) {
    item.lastIndex = h.index + h[0].length;
    for (let m = item.exec(text); m; m = item.exec(text)) {
      yield { head: h, item: m };
      if (m[0] === m[1]) break;
    }
  }
}

/**
 * Find pattern-shaped entities in `text`. `known` tells whether a span is already a KB mention (those win);
 * `institutions` are the text's institutionSpans, when the caller has them already.
 * @example findPatternEntities('Zorgon ransomware hit the Ministry of Finance', kb, () => false)
 */
export function findPatternEntities(
  text: string,
  kb: KnowledgeBase,
  known: (start: number, end: number) => boolean,
  institutions: readonly (readonly [number, number])[] = institutionSpans(text),
): PatternMention[] {
  const out: PatternMention[] = [];
  const add = (kind: EntityKind, name: string, start: number, confidence: number, extra: Partial<KbEntity> = {}): void => {
    const end = start + name.length;
    if (known(start, end)) return;
    // A name the KB knows under another spelling resolves to the KB entity; one it knows as an organisation or a
    // place is no new software ("Kaseya ransomware").
    const inKb = kb.lookup(name);
    if ((kind === 'malware' || kind === 'tool') && inKb.some((e) => e.kind === 'identity' || e.kind === 'location')) return;
    const existing = inKb.find((e) => e.kind === kind || (kind === 'malware' && e.kind === 'tool'));
    const entity = existing ?? patternEntity(kind, name, extra);
    out.push({ entity, start, end, surface: text.slice(start, end), confidence: existing ? confidence + 10 : confidence });
  };

  // The Japanese patterns all need a kana or kanji: on text without any they cannot match, so they are not run.
  const japanese = hasJapanese(text);
  const ifJapanese = (res: readonly RegExp[]): readonly RegExp[] => (japanese ? res : []);
  // Names that are also ordinary words ("Ares malware", "an Ares sample"), by the places that cue them.
  const wordNames = new Map<string, number[]>();
  const cueWordName = (raw: string, at: number): void => {
    const name = wordName(raw);
    if (!name || !isEnglishWord(name)) return;
    const places = wordNames.get(name) ?? [];
    places.push(at + raw.indexOf(name));
    wordNames.set(name, places);
  };
  for (const re of [
    NEW_SOFTWARE_EN,
    NEW_SOFTWARE_EN_DUBBED,
    ...ifJapanese([NEW_SOFTWARE_JA, NEW_SOFTWARE_JA_QUOTED, CALLED_SOFTWARE_JA]),
  ]) {
    for (const m of execAll(re, text)) {
      const raw = m[1] ?? '';
      // "Zebrocy’s Multilanguage Malware" describes Zebrocy; it names nothing new.
      if (re === NEW_SOFTWARE_EN && /['’]s $/.test(text.slice(Math.max(0, m.index - 3), m.index))) continue;
      // "the Kaseya ransomware attack" names its victim, as does an organisation or place the KB knows.
      if (re === NEW_SOFTWARE_EN && VICTIM_AFTER.test(text.slice(m.index + m[0].length, m.index + m[0].length + 12))) continue;
      const cleaned = cleanName(raw);
      // A title-case noun that is part of the name stays with it: "NiiJ Stealer", "Smoke Loader" (not "Ares Malware").
      const noun = m[0].slice(m[0].lastIndexOf(' ') + 1);
      const name = cleaned && re === NEW_SOFTWARE_EN && NAME_NOUN_TITLE.test(noun) ? `${cleaned} ${noun}` : cleaned;
      if (name) add('malware', name, m.index + m[0].indexOf(name), 60);
      else if (re === NEW_SOFTWARE_EN) cueWordName(raw, m.index + m[0].indexOf(raw));
    }
  }
  for (const m of execAll(SAMPLE_CUE_EN, text)) cueWordName(m[1] ?? '', m.index);
  for (const m of execAll(NEW_TOOL_EN, text)) {
    const name = cleanName(m[1] ?? '');
    if (name) add('tool', m[2] ? `${name} ${m[2]}` : name, m.index, 55);
  }
  for (const m of execAll(APPOSITIVE_SOFTWARE_EN, text)) {
    const name = cleanName(m[1] ?? '');
    if (name) add(softwareKind(m[2] ?? ''), name, m.index, 55);
  }
  for (const m of execAll(DUBBED_EN, text)) {
    // "three classes named “ChromiumProvider”" names code, not software.
    // "an operation named Cronos" names the police operation against the ransomware named before.
    const head = text.slice(Math.max(0, m.index - 24), m.index);
    if (CODE_NOUN_BEFORE.test(head) || NOT_SOFTWARE_NOUN_BEFORE.test(head)) continue;
    const noun = lastKindNoun(text.slice(Math.max(0, m.index - 40), m.index));
    if (!noun) continue;
    // "two implants named Line Dancer and Line Runner": both names.
    for (const raw of [m[1], m[2]]) {
      if (!raw) continue;
      const at = m.index + m[0].indexOf(raw, raw === m[2] ? (m[1] ?? '').length : 0);
      const name = cleanName(raw, /["“‘']$/.test(text.slice(Math.max(0, at - 1), at)));
      if (name) add(softwareKind(noun), name, at, 55);
    }
  }
  for (const m of execAll(ASSESSED_ACTOR_EN, text)) {
    const name = cleanName(m[1] ?? '');
    if (name) add('intrusion-set', name, m.index + m[0].indexOf(name), 55);
  }
  for (const m of execAll(KNOWN_AS_EN, text)) {
    const raw = m[1] ?? '';
    const quoted = /["“‘']$/.test(m[0].slice(0, m[0].indexOf(raw)));
    const name = cleanName(raw, quoted);
    if (!name) continue;
    // 'a developer known as "Shamel"' names a person, not the software named before.
    if (PERSON_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    // The kind noun: the last one in the 60 characters before, else the first in the 40 after.
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const noun = lastKindNoun(before) ?? KIND_NOUN_EN.exec(after)?.[1];
    // "a backdoor used by the group Mandiant tracks as UNC3886": a group noun after the kind noun names the group.
    const afterNoun = noun ? before.slice(before.lastIndexOf(noun) + noun.length) : '';
    if (noun && !/\b(?:group|actor|cluster|gang|crew|team)s?\b/i.test(afterNoun))
      add(softwareKind(noun), name, m.index + m[0].indexOf(raw), 55);
  }
  // Cued in several places, and at least once inside a sentence (not a heading or a sentence's first word).
  for (const [name, places] of wordNames) {
    if (places.length < WORD_NAME_CUES || !places.some((at) => /[a-z,] $/.test(text.slice(Math.max(0, at - 2), at)))) continue;
    for (const at of places) add('malware', name, at, 50);
  }
  for (const m of execAll(DEFINED_SOFTWARE_EN, text)) {
    const raw = m[1] ?? '';
    // "Credential Theft: the malware …" is a feature heading, not a name: a name has a word that is no English word,
    // or is a word in capitals that the document names again ("DISHCLOTH: Brute force tool", "tools as DISHCLOTH").
    const again = raw === raw.toUpperCase() && text.indexOf(raw, m.index + m[0].length) >= 0;
    if (raw.split(' ').every((w) => isEnglishWord(w)) && !again) continue;
    const name = cleanName(raw);
    if (name) add(softwareKind(m[2] ?? ''), name, m.index + m[0].indexOf(raw), 55);
  }
  // (Not "tools such as …": such lists name ordinary software as often as attack tools: "tools like Firefox".)
  for (const { item } of listItems(SUCH_AS_LIST_HEAD, SUCH_AS_LIST_ITEM, text)) {
    const raw = item[1] ?? '';
    // A name the KB knows is the gazetteer's to read (under its own kind); an ordinary word is no name.
    const name = kb.lookup(raw).length > 0 ? undefined : cleanName(raw);
    if (name) add('malware', name, item.index, 55);
  }
  for (const { head, item } of listItems(QUOTED_LIST_HEAD, QUOTED_LIST_ITEM, text)) {
    const kind: EntityKind = /^(?:malware|backdoors|implants)$/.test(head[1] ?? '') ? 'malware' : 'tool';
    const raw = item[1] ?? '';
    const name = cleanName(raw, true);
    if (name) add(kind, name, item.index + item[0].indexOf(raw), 55);
  }
  for (const m of execAll(VENDOR_ACTOR_ID, text)) {
    const name = m[1] ?? m[0];
    add('intrusion-set', name, m.index, 70);
  }
  for (const m of execAll(NAMED_GROUP_EN, text)) {
    const name = cleanName(m[1] ?? '');
    // Skip organisations that are not threat actors ("Microsoft group", "NCC Group").
    if (!name || kb.lookup(name).some((e) => e.kind === 'identity' || e.kind === 'location')) continue;
    add('intrusion-set', name, m.index, 55);
  }
  for (const m of execAll(ALIASES_EN, text)) {
    // The kind comes from the words just before: "threat actor known by the aliases …" or "malware, aka …".
    const before = text.slice(Math.max(0, m.index - 80), m.index);
    const kind: EntityKind = /\b(?:malware|ransomware|backdoor|trojan|loader|stealer|botnet|RAT)\b[^.]{0,60}$/i.test(before)
      ? 'malware'
      : 'intrusion-set';
    if (!/\b(?:actor|group|gang|malware|ransomware|backdoor|trojan|loader|stealer|botnet|RAT|operator|crew)\b/i.test(before)) continue;
    for (const raw of [m[1], m[2]]) {
      const quoted = raw !== undefined && /[‘'"“]/.test(text[m.index + m[0].indexOf(raw) - 1] ?? '');
      const name = raw ? cleanName(raw, quoted) : undefined;
      if (name) add(kind, name, m.index + m[0].indexOf(name), 55);
    }
  }
  for (const re of [...ifJapanese([NEW_ACTOR_JA_QUOTED, NAMED_ACTOR_JA]), NEW_ACTOR_EN, NAMED_ACTOR_EN]) {
    for (const m of execAll(re, text)) {
      const name = cleanName(m[1] ?? '');
      if (name) add('intrusion-set', name, m.index + m[0].indexOf(name), 60);
    }
  }
  // (Found from the comma and article, which are rare, and then read back and forth from there.)
  for (const c of execAll(APPOSITION_COMMA_EN, text)) {
    // (The window starts after a space, so that it never starts inside a word.)
    const from = c.index <= 80 ? 0 : text.indexOf(' ', c.index - 80) + 1;
    const m = from > 0 && from >= c.index ? null : APPOSITION_NAME_EN.exec(text.slice(from, c.index));
    if (!m || !APPOSITION_WHAT_EN.test(text.slice(c.index + c[0].length, c.index + c[0].length + 120))) continue;
    const raw = m[1] ?? '';
    const name = cleanName(raw.replace(/^(?:The|A|An|This|That|Its|Their|Our|But|And|Also|In|On|At|After|Before|When|While) /, ''));
    // A name the KB knows keeps its kind ("LockBit, a ransomware …"); a possessive names something of another.
    if (!name || kb.lookup(name).length > 0 || /['’]s?\b/.test(name)) continue;
    add('identity', name, c.index - raw.length + raw.indexOf(name), 55);
  }
  for (const re of [
    ORG_SUFFIX_EN,
    MINISTRY_EN,
    INSTITUTION_EN,
    ...ifJapanese([ORG_JA_SHA, AGENCY_JA, POLICE_JA, HOLDINGS_JA, ORG_AFTER_NOUN_JA]),
    // (Only where a company ending occurs: the pattern is tried at every run of kanji or katakana.)
    ...(japanese && COMPANY_ENDINGS_JA.some((w) => text.includes(w)) ? [COMPANY_SUFFIX_JA] : []),
  ]) {
    for (const m of execAll(re, text)) {
      const raw = (m[1] ?? m[0]).trim();
      const name = /[A-Za-z]/.test(raw) ? cleanName(raw) : raw;
      if (!name || name.length < 2 || JA_AGENCY_STOP.has(name)) continue;
      // "Array Networks' ArrayOS AG" is a product of the company before the possessive, not a company itself.
      if (/\w['’]s? /.test(name)) continue;
      add('identity', name, m.index + m[0].indexOf(name), 55, re === POLICE_JA ? POLICE_FACTS : {});
    }
  }
  for (const [start, end] of institutions) add('identity', text.slice(start, end), start, 55);
  for (const m of sectorLists(text)) {
    for (const w of execAll(/[a-z]{3,20}/g, m.words)) {
      if (w[0] === 'and') continue;
      const sector = [w[0], `${w[0]}s`, `${w[0]} services`, `${w[0]}ation`, `${w[0]} providers`, `${w[0]} utilities`]
        .flatMap((n) => kb.lookup(n))
        .find((e) => e.kind === 'sector');
      const start = m.start + w.index;
      if (sector && !known(start, start + w[0].length))
        out.push({ entity: sector, start, end: start + w[0].length, surface: w[0], confidence: 80 });
    }
  }
  // (Not inside a name the KB matched: 米連邦捜査局 is the FBI, not a mention of the US beside it.)
  if (japanese) out.push(...findCountryAbbreviations(text, kb).filter((m) => !known(m.start, m.end)));
  // Campaigns last: a name the document gives another kind elsewhere ("an APT group named ReconHellcat … the
  // ReconHellcat campaign") is that one's campaign, not a campaign entity of its own.
  const named = new Set(out.map((m) => m.entity.name.toLowerCase()));
  const campaign = (name: string | undefined, at: number): void => {
    if (name && kb.lookup(name).length === 0 && !named.has(name.toLowerCase())) add('campaign', name, at, 55);
  };
  for (const m of execAll(NAME_BEFORE_CAMPAIGN_EN, text)) campaign(cleanName(m[1] ?? ''), m.index + 4);
  for (const m of execAll(CAMPAIGN_EN, text)) {
    const name = cleanName(m[1] ?? '');
    campaign(name, m.index + m[0].lastIndexOf(name ?? ''));
  }
  return out;
}

/**
 * One-kanji country forms, only where they cannot be ordinary words: in runs of two or more (米英豪加, 日米, 中露)
 * or directly before a state noun (米政府, 英当局, 中国 is a full name and handled by the gazetteer).
 */
function findCountryAbbreviations(text: string, kb: KnowledgeBase): PatternMention[] {
  const matcher = countryAbbreviationMatcher(kb);
  if (!matcher) return [];
  const { byChar, run } = matcher;
  const out: PatternMention[] = [];
  for (const m of execAll(run, text)) {
    const prev = text[m.index - 1] ?? '';
    const next = text[m.index + m[0].length] ?? '';
    if (/[0-9０-９一-龯]/.test(prev) || (m[0].length > 1 && next === '国')) continue; // 3日米…, 英中国…
    for (let i = 0; i < m[0].length; i++) {
      const ch = m[0][i] ?? '';
      const code = byChar.get(ch);
      if (!code) continue;
      const entity = kb.country(code);
      if (!entity) continue;
      out.push({ entity, start: m.index + i, end: m.index + i + 1, surface: ch, confidence: 80 });
    }
  }
  return out;
}

/** The one-kanji country table of a KB and the pattern built from it, once per KB. */
const abbreviationMatchers = new WeakMap<KnowledgeBase, { byChar: Map<string, string>; run: RegExp } | undefined>();
function countryAbbreviationMatcher(kb: KnowledgeBase): { byChar: Map<string, string>; run: RegExp } | undefined {
  if (abbreviationMatchers.has(kb)) return abbreviationMatchers.get(kb);
  const byChar = new Map<string, string>();
  for (const [code, char] of Object.entries(kb.countryAbbreviations)) byChar.set(char, code);
  const chars = [...byChar.keys()].join('');
  const matcher =
    byChar.size === 0
      ? undefined
      : {
          byChar,
          run: new RegExp(
            // eslint-disable-next-line regexp/no-empty-character-class -- built from the non-empty abbreviation table
            `[${chars}](?:・?[${chars}]){1,7}|[${chars}](?=政府|当局|国務省|司法省|財務省|商務省|国防総省|議会|軍|大統領|首相|外相|紙|企業|両国|連邦)`,
            'g',
          ),
        };
  abbreviationMatchers.set(kb, matcher);
  return matcher;
}
