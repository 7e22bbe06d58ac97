import { describe, expect, it } from 'vitest';
import { isCalendarDay, isIsoDateTime, isTimeZone, toTimestamp } from './dates.js';

describe('dates from users', () => {
  it('accepts calendar days that exist, leap days included', () => {
    expect(['2025-01-08', '2024-02-29', '2000-02-29', '1999-12-31'].filter(isCalendarDay)).toHaveLength(4);
    expect(
      ['2025-02-30', '2023-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-1-8', 'yesterday', ''].filter(isCalendarDay),
    ).toEqual([]);
  });

  it('accepts days and ISO timestamps, and refuses impossible ones', () => {
    expect(['2025-01-08', '2025-01-08T09:30', '2025-01-08T09:30:00Z', '2025-01-08T09:30:00.123+09:00'].filter(isIsoDateTime)).toHaveLength(
      4,
    );
    expect(['2025-02-30T00:00Z', '2025-01-08T25:00Z', '2025-01-08 09:30', '2025-99-99', 'foo'].filter(isIsoDateTime)).toEqual([]);
  });

  it('reads publication dates, and refuses bare numbers and days that do not exist', () => {
    expect(toTimestamp('2025-01-08T09:00:00+09:00')).toBe('2025-01-08T00:00:00.000Z');
    expect(toTimestamp('Wed, 08 Jan 2025 09:00:00 GMT')).toBe('2025-01-08T09:00:00.000Z');
    expect(toTimestamp(' 2025-01-08 ')).toBe('2025-01-08T00:00:00.000Z');
    expect(['2025-02-30', '2025-02-30T10:00:00Z', '5', '20250108', 'someday', ''].map(toTimestamp)).toEqual(Array(6).fill(undefined));
    // Feeds' RFC 2822 dates: JavaScript reads "31 Feb" as 3 March, and "Thu, 30 Apr" without complaint.
    expect(toTimestamp('29 Feb 2024 12:00:00 +0900')).toBe('2024-02-29T03:00:00.000Z');
    expect(toTimestamp('Sat, 1 Mar 2025 00:00:00 GMT')).toBe('2025-03-01T00:00:00.000Z');
    expect(['Mon, 31 Feb 2025 10:00:00 GMT', '29 Feb 2025 12:00:00 +0900', 'Thu, 31 Apr 2025 08:00 EST'].map(toTimestamp)).toEqual(
      Array(3).fill(undefined),
    );
  });

  it('knows time zones', () => {
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Base')).toBe(false);
  });
});
