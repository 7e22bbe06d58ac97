// A document as the pipeline sees it: decoded text with its metadata. Offsets everywhere refer to `text`.
import { stixId } from './stix.js';

export interface KizashiDocument {
  /** The STIX id of the report this document becomes. */
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly lang: 'ja' | 'en' | 'und';
  readonly published?: string;
  readonly url?: string;
  readonly source?: string;
  /** File path or URL it was read from, for messages. */
  readonly origin: string;
}

/**
 * The report id of a document: from its URL when it has one (an updated article keeps its id), else from its text.
 * @example documentId({ url: 'https://example.org/a' }) // 'report--…'
 */
export function documentId(doc: { url?: string; text?: string }, contentHash?: string): string {
  if (doc.url) return stixId('report', `url:${doc.url}`);
  return stixId('report', `sha256:${contentHash ?? ''}`);
}

/**
 * The text a document is extracted from: its title as the first paragraph, unless the body already opens with it.
 * A headline often alone names the actor or the victim ("MirrorFace targets Japanese think tanks"); a title kept
 * apart from the text would never be read, and evidence offsets could not point into it.
 * @example titledText('MirrorFace returns', 'The group …') // 'MirrorFace returns\n\nThe group …'
 */
export function titledText(title: string, body: string): string {
  const head = title.replace(/[\r\n]+/g, ' ').trim();
  if (head === '') return body;
  const firstLine = /^\s*(?:#{1,6}[ \t]*)?([^\n]*)/.exec(body)?.[1] ?? '';
  return foldLine(firstLine).startsWith(foldLine(head)) ? body : `${head}\n\n${body}`;
}

/** Whether a sentence of a document is its title (a headline, not a summary sentence). */
export function isTitleSentence(title: string, sentence: string): boolean {
  return foldLine(sentence) === foldLine(title);
}

function foldLine(line: string): string {
  return line.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}
