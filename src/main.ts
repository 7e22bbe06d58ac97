// Composition root: loads the knowledge base once and compiles the extractor that every command shares.
import { createExtractor, type Extractor } from './extract/extract-document.js';
import { loadKnowledgeBase, type LoadKbOptions } from './kb/load-kb.js';

/** Load the KB (starter + synced + --kb folders) and compile it for extraction. */
export async function openExtractor(options: LoadKbOptions = {}): Promise<Extractor> {
  return createExtractor(await loadKnowledgeBase(options));
}
