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
