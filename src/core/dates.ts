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
  const day = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0] ?? rfc2822Day(text);
  if (day !== undefined && !isCalendarDay(day)) return undefined;
  return new Date(time).toISOString();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const RFC2822_DAY = /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\b/;

/** The day of an RFC 2822 date as feeds write it ("Mon, 31 Feb 2025 10:00:00 GMT" → "2025-02-31"), to be checked. */
function rfc2822Day(text: string): string | undefined {
  const m = RFC2822_DAY.exec(text);
  const month = m ? MONTHS.indexOf((m[2] ?? '').toLowerCase()) : -1;
  if (!m || month < 0) return undefined;
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`;
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
