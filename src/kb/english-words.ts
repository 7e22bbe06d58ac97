// The English dictionary (the word-list package): names that are also ordinary words need extra evidence.
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

let words: Set<string> | undefined;

/** True when `word` (any case) is an ordinary English word. Loaded once, about 270k words. */
export function isEnglishWord(word: string): boolean {
  words ??= new Set([...readFileSync(wordListPath, 'utf8').split('\n'), ...PROPER_WORDS]);
  return words.has(word.toLowerCase());
}

/**
 * Proper nouns of everyday prose that the dictionary leaves out but galaxies use as malware names ("Did COVID
 * cancel Christmas?", "the Jupiter probe"): holidays and planets.
 */
const PROPER_WORDS = [
  'christmas',
  'easter',
  'halloween',
  'thanksgiving',
  'valentine',
  'ramadan',
  'hanukkah',
  'diwali',
  'mercury',
  'venus',
  'mars',
  'jupiter',
  'saturn',
  'uranus',
  'neptune',
  'pluto',
];
