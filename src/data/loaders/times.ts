/**
 * Time fields of raw files, as unix seconds. Each parser returns null for text that is not a real time in
 * its format (month 13, 30 February, hour 24), so a loader can report the line as malformed. A time with no
 * zone is read as UTC: only the order of interactions and the gaps between them matter, and those are the
 * same in any fixed zone.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_HOUR = /^(\d{4})-(\d{2})-(\d{2}) (\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Unix seconds of calendar fields read as UTC, or null when Date.UTC had to roll any of them over. */
function utcSeconds(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | null {
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exact =
    time.getUTCFullYear() === year &&
    time.getUTCMonth() === month - 1 &&
    time.getUTCDate() === day &&
    time.getUTCHours() === hour &&
    time.getUTCMinutes() === minute &&
    time.getUTCSeconds() === second;
  return exact ? time.getTime() / 1000 : null;
}

/** A plain decimal number such as `1396437466.94` (no exponent, no sign but minus). */
export function decimalNumber(text: string): number | null {
  return DECIMAL.test(text) ? Number(text) : null;
}

/** `YYYY-MM-DD`, midnight UTC. */
export function dateSeconds(text: string): number | null {
  const m = DATE.exec(text);
  return m ? utcSeconds(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** `YYYY-MM-DD HH` (Ali Mobile's hour resolution), read as UTC. */
export function dateHourSeconds(text: string): number | null {
  const m = DATE_HOUR.exec(text);
  return m ? utcSeconds(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])) : null;
}

/** Seconds east of UTC of `Z`, `+02:00`, `-05:30`, or none (UTC). */
function zoneOffsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
}

/**
 * ISO 8601 date and time, `YYYY-MM-DDTHH:MM[:SS[.fff...]][Z|±HH:MM]` (YOOCHOOSE's `2014-04-07T10:51:09.277Z`).
 * The fraction is appended as decimal text, so `…09.277Z` gives the same double as the literal `….277`.
 */
export function isoSeconds(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const local = utcSeconds(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (local === null) return null;
  const whole = local - zoneOffsetSeconds(m[8]);
  const fraction = m[7] ?? '';
  return whole >= 0 ? Number(`${whole}${fraction}`) : whole + Number(`0${fraction}`);
}
