/**
 * The node's notion of time. Vigil does not set the host clock; SetSystemDateAndTime(Manual)
 * stores an offset from it that every service (and UsernameToken freshness) then uses, which is
 * what a client correcting for clock skew observes through GetSystemDateAndTime.
 */
import type { SettingsStore } from '../storage/settings.js';

export interface ClockSettings {
  dateTimeType: 'Manual' | 'NTP';
  daylightSavings: boolean;
  /** POSIX 1003.1 TZ string, e.g. "CET-1CEST,M3.5.0,M10.5.0/3". */
  timeZone: string;
  offsetMs: number;
}

const DEFAULTS: ClockSettings = { dateTimeType: 'NTP', daylightSavings: false, timeZone: 'UTC0', offsetMs: 0 };

export class NodeClock {
  #s: ClockSettings;
  readonly #store: SettingsStore;
  constructor(store: SettingsStore) {
    this.#store = store;
    this.#s = { ...DEFAULTS, ...store.get<Partial<ClockSettings>>('clock', {}) };
  }
  now(): number {
    return Date.now() + (this.#s.dateTimeType === 'Manual' ? this.#s.offsetMs : 0);
  }
  get settings(): Readonly<ClockSettings> {
    return this.#s;
  }
  update(s: Partial<ClockSettings>): void {
    this.#s = { ...this.#s, ...s };
    this.#store.set('clock', this.#s);
  }
}

/** A loose check of POSIX TZ syntax (std offset [dst [offset] [,rule]]), enough to refuse junk. */
export function isPosixTz(tz: string): boolean {
  return /^[A-Za-z]{3,}|^<[A-Za-z0-9+-]{3,}>/.test(tz) && /^[A-Za-z<>0-9+\-:,./MJ]{3,64}$/.test(tz);
}
