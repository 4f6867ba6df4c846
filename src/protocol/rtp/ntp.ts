// 64-bit NTP timestamps (RFC 5905 §6: 32-bit seconds since 1900, 32-bit fraction) as bigint,
// which is how RTCP sender reports carry wallclock time.

/** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
const TWO_POW_32 = 0x1_0000_0000;

/** Unix milliseconds (fractions allowed, e.g. performance.timeOrigin + performance.now()) → NTP. */
export function ntpFromMs(unixMs: number): bigint {
  if (!Number.isFinite(unixMs)) throw new RangeError(`cannot convert ${unixMs} to an NTP timestamp`);
  const unixSeconds = Math.floor(unixMs / 1000);
  const fractionOfSecond = (unixMs - unixSeconds * 1000) / 1000;
  const fraction = Math.min(Math.floor(fractionOfSecond * TWO_POW_32), TWO_POW_32 - 1);
  // Seconds wrap every 2^32 s (era 1 starts in 2036); msFromNtp() undoes this for 1968..2104.
  const seconds = (((unixSeconds + NTP_UNIX_OFFSET_SECONDS) % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
  return (BigInt(seconds) << 32n) | BigInt(fraction);
}

export function ntpFromDate(date: Date): bigint {
  return ntpFromMs(date.getTime());
}

/**
 * NTP → Unix milliseconds (with sub-millisecond fraction). Seconds values with the top bit clear
 * are taken as NTP era 1 (2036-2104), the RFC 4330 §3 convention, so the result stays monotonic
 * across the 2036 rollover.
 */
export function msFromNtp(ntp: bigint): number {
  const seconds = Number((ntp >> 32n) & 0xffffffffn);
  const fraction = Number(ntp & 0xffffffffn);
  const eraCorrection = seconds < 0x8000_0000 ? TWO_POW_32 : 0;
  return (seconds + eraCorrection - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction * 1000) / TWO_POW_32;
}

export function dateFromNtp(ntp: bigint): Date {
  return new Date(Math.floor(msFromNtp(ntp)));
}

/** The middle 32 bits of an NTP timestamp: the "LSR" field of report blocks (RFC 3550 §6.4.1). */
export function ntpMiddle32(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffffffffn);
}
