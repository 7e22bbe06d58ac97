// Days, timestamps and time zones that users give (CLI options, API parameters), checked where they enter so that a
// bad one is a clear error naming the field, not an "Invalid time value" from deep inside, or a silent empty result.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * A calendar day written YYYY-MM-DD that exists.
 * @example isCalendarDay('2024-02-29') // true; isCalendarDay('2025-02-30') // false (JavaScript would read 2 March)
 */
export function isCalendarDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.toISOString().slice(0, 10) === value;
}

/** A day, or an ISO 8601 timestamp as documents' `published` is stored, whose day exists and whose time is valid. */
export function isIsoDateTime(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  return m !== null && isCalendarDay(m[1] ?? '') && !Number.isNaN(Date.parse(value));
}

/**
 * A publication date as given by a person or a feed (ISO 8601, RFC 2822 …) as an ISO timestamp, or undefined when it
 * is not a date: unparseable, a bare number, or a day that does not exist (JavaScript reads 2025-02-30 as 2 March).
 * @example toTimestamp('2025-01-08T09:00:00+09:00') // '2025-01-08T00:00:00.000Z'
 */
export function toTimestamp(value: string): string | undefined {
  const text = value.trim();
  const time = Date.parse(text);
  if (Number.isNaN(time) || /^\d+$/.test(text)) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
  if (day !== undefined && !isCalendarDay(day)) return undefined;
  return new Date(time).toISOString();
}

/** An IANA time-zone name this runtime knows ("Asia/Tokyo", "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
