// Range header (RFC 2326 §12.29, §3.5-3.7): npt=, clock= and smpte= ranges with an optional
// ";time=" (when the range should take effect). ONVIF replay uses clock= with absolute UTC
// times, fractional seconds included, and reverse ranges (start after end). UTC times are kept
// as integer seconds plus nanoseconds so that no precision is lost on the way through.
import { RtspParseError } from '../errors.js';
import { splitOutsideQuotes, splitParameter, trimOws } from './tokens.js';

/** Normal play time: 'now' or seconds from the start of the presentation. */
export type NptTime = 'now' | number;

/** An absolute UTC time: whole seconds since the Unix epoch plus 0..999 999 999 nanoseconds. */
export interface UtcTime {
  seconds: number;
  nanos: number;
}

export interface SmpteTime {
  hours: number;
  minutes: number;
  seconds: number;
  frames?: number;
  /** Hundredths of a frame. */
  subframes?: number;
}

export type SmpteUnit = 'smpte' | 'smpte-30-drop' | 'smpte-25';

/** At least one of start and end is present; `time` is the ";time=" parameter. */
export type RangeHeader = (
  | { unit: 'npt'; start?: NptTime; end?: NptTime }
  | { unit: 'clock'; start?: UtcTime; end?: UtcTime }
  | { unit: SmpteUnit; start?: SmpteTime; end?: SmpteTime }
) & { time?: UtcTime };

function bad(message: string): never {
  throw new RtspParseError('BAD_RANGE', message);
}

export function parseRange(value: string): RangeHeader {
  const [spec, ...params] = splitOutsideQuotes(value, ';', 'BAD_RANGE');
  const { name, value: rangeText } = splitParameter(spec!);
  if (rangeText === undefined) bad('Range without "="');
  const dash = rangeText.indexOf('-');
  if (dash < 0 || rangeText.indexOf('-', dash + 1) >= 0) bad('Range needs exactly one "-"');
  const startText = trimOws(rangeText.substring(0, dash));
  const endText = trimOws(rangeText.substring(dash + 1));
  if (startText === '' && endText === '') bad('Range with neither start nor end');

  const unit = name.toLowerCase();
  let range: RangeHeader;
  if (unit === 'npt') {
    range = { unit, ...bounds(startText, endText, parseNpt) };
  } else if (unit === 'clock') {
    range = { unit, ...bounds(startText, endText, parseUtcTime) };
  } else if (unit === 'smpte' || unit === 'smpte-30-drop' || unit === 'smpte-25') {
    const framesPerSecond = unit === 'smpte-25' ? 25 : 30;
    range = { unit, ...bounds(startText, endText, (t) => parseSmpte(t, framesPerSecond)) };
  } else {
    bad(`unknown range unit ${JSON.stringify(name.substring(0, 16))}`);
  }
  for (const param of params) {
    const { name: paramName, value: paramValue } = splitParameter(param);
    // Unknown parameters are ignored (RFC 2326 §12.29 only defines "time").
    if (paramName.toLowerCase() !== 'time') continue;
    if (range.time !== undefined || paramValue === undefined) bad('malformed time parameter');
    range.time = parseUtcTime(paramValue);
  }
  return range;
}

function bounds<T>(startText: string, endText: string, parse: (text: string) => T): { start?: T; end?: T } {
  const result: { start?: T; end?: T } = {};
  if (startText !== '') result.start = parse(startText);
  if (endText !== '') result.end = parse(endText);
  return result;
}

const NPT_SECONDS = /^(\d{1,15})(?:\.(\d*))?$/;
const NPT_HHMMSS = /^(\d{1,12}):(\d{1,2}):(\d{1,2})(?:\.(\d*))?$/;

export function parseNpt(text: string): NptTime {
  if (text === 'now') return 'now';
  const plain = NPT_SECONDS.exec(text);
  if (plain !== null) return Number(`${plain[1]}.${plain[2] ?? ''}0`);
  const clock = NPT_HHMMSS.exec(text);
  if (clock === null) bad(`malformed npt time ${JSON.stringify(text.substring(0, 32))}`);
  const minutes = Number(clock[2]);
  const seconds = Number(clock[3]);
  if (minutes > 59 || seconds > 59) bad('npt minutes or seconds above 59');
  return Number(clock[1]) * 3600 + minutes * 60 + Number(`${clock[3]}.${clock[4] ?? ''}0`);
}

export function formatNpt(time: NptTime): string {
  if (time === 'now') return 'now';
  if (!Number.isFinite(time) || time < 0 || time >= 1e21) throw new RangeError(`npt time ${time} is out of range`);
  const shortest = String(time);
  if (!shortest.includes('e')) return shortest;
  // Exponent notation is not npt syntax: fall back to nanosecond precision.
  return time.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
}

const UTC_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/;

export function parseUtcTime(text: string): UtcTime {
  const m = UTC_TIME.exec(text);
  if (m === null) bad(`malformed UTC time ${JSON.stringify(text.substring(0, 32))}`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) bad('invalid UTC date');
  if (hour > 23 || minute > 59 || second > 59) bad('invalid UTC clock time');
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  return { seconds, nanos };
}

export function formatUtcTime(time: UtcTime): string {
  const { seconds, nanos } = time;
  if (!Number.isSafeInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new RangeError('invalid UTC time');
  }
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 9999) throw new RangeError(`UTC year ${year} does not fit 4 digits`);
  const hh = Math.floor(secondOfDay / 3600);
  const mm = Math.floor((secondOfDay % 3600) / 60);
  const ss = secondOfDay % 60;
  // Whole milliseconds keep three digits (".440Z", as ONVIF writes them), finer times six or nine.
  const digits = nanos % 1_000_000 === 0 ? 3 : nanos % 1000 === 0 ? 6 : 9;
  const fraction = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').substring(0, digits)}`;
  return `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}T${pad(hh, 2)}${pad(mm, 2)}${pad(ss, 2)}${fraction}Z`;
}

export function utcTimeFromEpochMs(ms: number): UtcTime {
  if (!Number.isFinite(ms)) throw new RangeError(`invalid epoch milliseconds ${ms}`);
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  return { seconds, nanos };
}

/** Milliseconds since the Unix epoch (sub-millisecond precision kept as a fraction). */
export function utcTimeToEpochMs(time: UtcTime): number {
  return time.seconds * 1000 + time.nanos / 1e6;
}

const SMPTE_TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d{1,2}))?$/;

export function parseSmpte(text: string, framesPerSecond = 30): SmpteTime {
  const m = SMPTE_TIME.exec(text);
  if (m === null) bad(`malformed SMPTE time ${JSON.stringify(text.substring(0, 32))}`);
  const time: SmpteTime = { hours: Number(m[1]), minutes: Number(m[2]), seconds: Number(m[3]) };
  if (time.minutes > 59 || time.seconds > 59) bad('SMPTE minutes or seconds above 59');
  if (m[4] !== undefined) {
    time.frames = Number(m[4]);
    if (time.frames >= framesPerSecond) bad('SMPTE frame number too high');
  }
  if (m[5] !== undefined) time.subframes = Number(m[5]);
  return time;
}

export function formatSmpte(time: SmpteTime): string {
  const parts = [time.hours, time.minutes, time.seconds];
  if (time.frames !== undefined) parts.push(time.frames);
  if (parts.some((n) => !Number.isInteger(n) || n < 0 || n > 99) || (time.subframes ?? 0) > 99) {
    throw new RangeError('SMPTE field out of range');
  }
  const text = parts.map((n) => pad(n, 2)).join(':');
  return time.subframes === undefined ? text : `${text}.${pad(time.subframes, 2)}`;
}

export function serializeRange(range: RangeHeader): string {
  if (range.start === undefined && range.end === undefined) throw new TypeError('Range needs a start or an end');
  let text: string;
  if (range.unit === 'npt') {
    text = `npt=${fmt(range.start, formatNpt)}-${fmt(range.end, formatNpt)}`;
  } else if (range.unit === 'clock') {
    text = `clock=${fmt(range.start, formatUtcTime)}-${fmt(range.end, formatUtcTime)}`;
  } else {
    text = `${range.unit}=${fmt(range.start, formatSmpte)}-${fmt(range.end, formatSmpte)}`;
  }
  return range.time === undefined ? text : `${text};time=${formatUtcTime(range.time)}`;
}

function fmt<T>(value: T | undefined, format: (v: T) => string): string {
  return value === undefined ? '' : format(value);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Proleptic Gregorian calendar <-> days since 1970-01-01, valid for any year (Date.UTC would
// map years 0-99 to 1900-1999). Counts in 400-year eras of 146 097 days starting on March 1st.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
