// A bounded memo for pure string functions that hot paths call with the same arguments over and over (entity
// names, aliases): the cache is dropped whole when it reaches its limit, so memory stays bounded on any input.

/**
 * `f` with its results remembered for up to `limit` distinct arguments at a time.
 * @example const fold = boundedMemo(200_000, slowFold); fold('APT41') // computed once, then looked up
 */
export function boundedMemo(limit: number, f: (key: string) => string): (key: string) => string {
  const cache = new Map<string, string>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = f(key);
      if (cache.size >= limit) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}
