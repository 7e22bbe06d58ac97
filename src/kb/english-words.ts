// The English dictionary (the word-list package): names that are also ordinary words need extra evidence.
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

let words: Set<string> | undefined;

/** True when `word` (any case) is an ordinary English word. Loaded once, about 270k words. */
export function isEnglishWord(word: string): boolean {
  words ??= new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  return words.has(word.toLowerCase());
}
