/**
 * xs:duration and xs:dateTime as WS-BaseNotification uses them: InitialTerminationTime and Renew's
 * TerminationTime are `wsnt:AbsoluteOrRelativeTimeType` (a dateTime or a duration such as PT60S),
 * PullMessages' Timeout is a duration. Parsing is strict (XML Schema lexical forms only) and
 * fails with a `TimeParseError` carrying a stable code; callers map it to their own fault.
 */

export class TimeParseError extends Error {
  readonly code: 'DURATION_SYNTAX' | 'DATETIME_SYNTAX' | 'OUT_OF_RANGE';
  constructor(code: TimeParseError['code'], message: string) {
    super(message);
    this.name = 'TimeParseError';
    this.code = code;
  }
}

/** The components of an xs:duration, as written (no normalization: PT90S stays 90 seconds). */
export interface Duration {
  negative: boolean;
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  /** May be fractional (PT0.5S). */
  seconds: number;
}

const DURATION_RE = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
/** Longer inputs are refused before the regex runs; real durations are a handful of characters. */
const MAX_LEXICAL_LENGTH = 64;

export function parseDuration(text: string): Duration {
  const s = text.trim();
  if (s.length > MAX_LEXICAL_LENGTH) throw new TimeParseError('DURATION_SYNTAX', 'duration too long');
  const m = DURATION_RE.exec(s);
  // "P" alone, "PT" with nothing after it, and a dangling "T" are not durations.
  if (!m || s.endsWith('T') || m.slice(2).every((g) => g === undefined)) {
    throw new TimeParseError('DURATION_SYNTAX', `'${s.slice(0, 40)}' is not an xs:duration`);
  }
  const num = (g: string | undefined): number => {
    if (g === undefined) return 0;
    const n = Number(g);
    if (!Number.isFinite(n) || n > Number.MAX_SAFE_INTEGER) throw new TimeParseError('OUT_OF_RANGE', 'duration component too large');
    return n;
  };
  return {
    negative: m[1] === '-',
    years: num(m[2]),
    months: num(m[3]),
    days: num(m[4]),
    hours: num(m[5]),
    minutes: num(m[6]),
    seconds: num(m[7]),
  };
}

/** Canonical lexical form of a duration (zero components omitted; all zero is PT0S). */
export function formatDuration(d: Duration): string {
  let date = '';
  if (d.years) date += `${d.years}Y`;
  if (d.months) date += `${d.months}M`;
  if (d.days) date += `${d.days}D`;
  let time = '';
  if (d.hours) time += `${d.hours}H`;
  if (d.minutes) time += `${d.minutes}M`;
  if (d.seconds) time += `${d.seconds}S`;
  if (!date && !time) time = '0S';
  return `${d.negative ? '-' : ''}P${date}${time ? `T${time}` : ''}`;
}

/** A duration of whole milliseconds (for Timeout, MaxTimeout): PT1M30S. */
export function durationFromMs(ms: number): Duration {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  return { negative: false, years: 0, months: 0, days: 0, hours, minutes, seconds };
}

/**
 * Adds a duration to an instant (ms since the epoch) with calendar arithmetic for years and
 * months, as XML Schema specifies; the result may be NaN-free but out of Date's range, which is
 * reported as OUT_OF_RANGE.
 */
export function addDuration(fromMs: number, d: Duration): number {
  const sign = d.negative ? -1 : 1;
  const t = new Date(fromMs);
  if (d.years || d.months) {
    t.setUTCMonth(t.getUTCMonth() + sign * (d.years * 12 + d.months));
  }
  const ms = t.getTime() + sign * (((d.days * 24 + d.hours) * 60 + d.minutes) * 60_000 + Math.round(d.seconds * 1000));
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new TimeParseError('OUT_OF_RANGE', 'time out of range');
  return ms;
}

/** A duration's length in milliseconds measured from `fromMs` (months have varying lengths). */
export function durationMs(d: Duration, fromMs: number): number {
  return addDuration(fromMs, d) - fromMs;
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,12})?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses an xs:dateTime into ms since the epoch. A value without a time zone is taken as UTC
 * (ONVIF requires the 'Z' indicator; being lenient here costs nothing and helps old clients).
 * Years are limited to 0001–9999.
 */
export function parseDateTime(text: string): number {
  const s = text.trim();
  if (s.length > MAX_LEXICAL_LENGTH) throw new TimeParseError('DATETIME_SYNTAX', 'dateTime too long');
  const m = DATETIME_RE.exec(s);
  if (!m) throw new TimeParseError('DATETIME_SYNTAX', `'${s.slice(0, 40)}' is not an xs:dateTime`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const frac = m[7] ? Number(`0${m[7]}`) : 0;
  const endOfDay = hour === 24 && minute === 0 && second === 0 && frac === 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || (hour > 23 && !endOfDay) || minute > 59 || second > 59) {
    throw new TimeParseError('OUT_OF_RANGE', `'${s}' is not a valid date and time`);
  }
  let offsetMin = 0;
  const tz = m[8];
  if (tz && tz !== 'Z') {
    const oh = Number(tz.slice(1, 3));
    const om = Number(tz.slice(4, 6));
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) throw new TimeParseError('OUT_OF_RANGE', `time zone '${tz}' out of range`);
    offsetMin = (tz[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts them back.
  const d = new Date(base);
  d.setUTCFullYear(year);
  return d.getTime() + Math.round(frac * 1000) - offsetMin * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export type AbsoluteOrRelativeTime = { kind: 'absolute'; at: number } | { kind: 'relative'; duration: Duration };

/** wsnt:AbsoluteOrRelativeTimeType: a duration when it starts with P or -P, else a dateTime. */
export function parseAbsoluteOrRelativeTime(text: string): AbsoluteOrRelativeTime {
  const s = text.trim();
  if (s.startsWith('P') || s.startsWith('-P')) return { kind: 'relative', duration: parseDuration(s) };
  return { kind: 'absolute', at: parseDateTime(s) };
}

/** The instant an AbsoluteOrRelativeTime denotes, relative durations counted from `nowMs`. */
export function resolveTime(t: AbsoluteOrRelativeTime, nowMs: number): number {
  return t.kind === 'absolute' ? t.at : addDuration(nowMs, t.duration);
}
