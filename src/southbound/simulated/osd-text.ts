/**
 * OSD text: the date and time formats tt:OSDTextConfiguration defines, in the node's time zone
 * (a POSIX TZ string as SetSystemDateAndTime stores it, with daylight saving rules of the
 * `Mm.w.d[/time]` form; other rule forms fall back to standard time).
 */

export const DATE_FORMATS = ['M/d/yyyy', 'MM/dd/yyyy', 'dd/MM/yyyy', 'yyyy/MM/dd', 'yyyy-MM-dd', 'dddd, MMMM dd, yyyy', 'MMMM dd, yyyy', 'dd MMMM, yyyy'] as const;
export const TIME_FORMATS = ['h:mm:ss tt', 'hh:mm:ss tt', 'H:mm:ss', 'HH:mm:ss'] as const;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Rule {
  month: number;
  week: number;
  day: number;
  /** Seconds after local midnight. */
  time: number;
}

interface PosixTz {
  /** Seconds to add to UTC for standard time. */
  std: number;
  dst?: { offset: number; start: Rule; end: Rule } | undefined;
}

function parseOffset(s: string): number | undefined {
  const m = /^([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?/.exec(s);
  if (!m) return undefined;
  const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -secs : secs;
}

function parseRule(s: string): Rule | undefined {
  const m = /^M(\d{1,2})\.(\d)\.(\d)(?:\/([+-]?\d{1,3}(?::\d{1,2}){0,2}))?$/.exec(s);
  if (!m) return undefined;
  const rule = { month: Number(m[1]), week: Number(m[2]), day: Number(m[3]), time: m[4] ? (parseOffset(m[4]) ?? 7200) : 7200 };
  if (rule.month < 1 || rule.month > 12 || rule.week < 1 || rule.week > 5 || rule.day > 6) return undefined;
  return rule;
}

/** Parses a POSIX TZ string; unparsable parts mean UTC / no daylight saving. */
export function parsePosixTz(tz: string): PosixTz {
  const m = /^(?:<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})(?:(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})?(?:,([^,]+),([^,]+))?)?$/.exec(tz.trim());
  if (!m) return { std: 0 };
  // POSIX offsets are west-positive: "CET-1" is UTC+1.
  const std = -(parseOffset(m[1]!) ?? 0);
  if (!m[2]) return { std };
  const dstOffset = m[3] !== undefined ? -(parseOffset(m[3]) ?? 0) : std + 3600;
  const start = m[4] ? parseRule(m[4]) : parseRule('M3.2.0');
  const end = m[5] ? parseRule(m[5]) : parseRule('M11.1.0');
  return start && end ? { std, dst: { offset: dstOffset, start, end } } : { std };
}

/** UTC ms of a rule's transition in `year`, given the offset in force before it. */
function transition(year: number, rule: Rule, offsetBefore: number): number {
  const first = new Date(Date.UTC(year, rule.month - 1, 1)).getUTCDay();
  let day = 1 + ((rule.day - first + 7) % 7) + (rule.week - 1) * 7;
  const daysInMonth = new Date(Date.UTC(year, rule.month, 0)).getUTCDate();
  while (day > daysInMonth) day -= 7;
  return Date.UTC(year, rule.month - 1, day) + (rule.time - offsetBefore) * 1000;
}

/** Seconds to add to UTC at `utcMs` in the zone. */
export function utcOffsetSeconds(tz: string, utcMs: number): number {
  const z = parsePosixTz(tz);
  if (!z.dst) return z.std;
  const year = new Date(utcMs + z.std * 1000).getUTCFullYear();
  const start = transition(year, z.dst.start, z.std);
  const end = transition(year, z.dst.end, z.dst.offset);
  const inDst = start < end ? utcMs >= start && utcMs < end : utcMs >= start || utcMs < end;
  return inDst ? z.dst.offset : z.std;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Formats local time with the tokens of the OSD formats (yyyy MMMM MM M dddd dd d HH H hh h mm ss tt). */
export function formatLocal(format: string, utcMs: number, tz: string): string {
  const d = new Date(utcMs + utcOffsetSeconds(tz, utcMs) * 1000);
  const H = d.getUTCHours();
  const h12 = H % 12 === 0 ? 12 : H % 12;
  const tokens: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    MMMM: MONTHS[d.getUTCMonth()]!,
    MM: pad(d.getUTCMonth() + 1),
    M: String(d.getUTCMonth() + 1),
    dddd: DAYS[d.getUTCDay()]!,
    dd: pad(d.getUTCDate()),
    d: String(d.getUTCDate()),
    HH: pad(H),
    H: String(H),
    hh: pad(h12),
    h: String(h12),
    mm: pad(d.getUTCMinutes()),
    ss: pad(d.getUTCSeconds()),
    tt: H < 12 ? 'AM' : 'PM',
  };
  return format.replace(/yyyy|MMMM|MM|M|dddd|dd|d|HH|H|hh|h|mm|ss|tt/g, (t) => tokens[t]!);
}

export interface OsdTextSpec {
  type: 'Plain' | 'Date' | 'Time' | 'DateAndTime';
  dateFormat?: string | undefined;
  timeFormat?: string | undefined;
  plainText?: string | undefined;
}

/** The text an OSD shows at `utcMs`. */
export function osdText(spec: OsdTextSpec, utcMs: number, tz: string): string {
  const date = (): string => formatLocal(spec.dateFormat ?? 'yyyy-MM-dd', utcMs, tz);
  const time = (): string => formatLocal(spec.timeFormat ?? 'HH:mm:ss', utcMs, tz);
  switch (spec.type) {
    case 'Plain':
      return spec.plainText ?? '';
    case 'Date':
      return date();
    case 'Time':
      return time();
    case 'DateAndTime':
      return `${date()} ${time()}`;
  }
}
