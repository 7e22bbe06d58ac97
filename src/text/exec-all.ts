// Running a global regular expression over a text without the copy that String.prototype.matchAll makes.

/**
 * The matches of a global `re` in `text`, as text.matchAll(re) gives them, but without the copy of `re` that
 * matchAll makes for every call: on a short news item the copies of the extractors' few dozen expressions cost more
 * than running them. `re` must not be used elsewhere while the loop runs (its lastIndex is the loop's position).
 * @example [...execAll(/\d+/g, 'a1b22')].map((m) => m[0]) // ['1', '22']
 */
export function* execAll(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++; // as matchAll does after an empty match (a code unit, not a code point)
    yield m;
  }
}
