/**
 * Remote tokens (IEC 62676-2-33 §6): every token this node exposes is `Prefix:LocalToken`, at most
 * 64 characters, the local part at most 36 characters and colon-free, one prefix per device. This
 * is the only place tokens are minted or resolved. Device tokens that already fit are used as the
 * local part; others (e.g. a lower-level VSS's own `P:T` remote tokens) get a short persisted
 * mapping, so every token is identical across restarts.
 */
import { createHash } from 'node:crypto';
import { VigilError } from '../core/errors.js';
import type { Db } from '../storage/db.js';
import { isDeviceId20, parseDeviceId20 } from './device-id.js';

export const MAX_REMOTE_TOKEN = 64;
export const MAX_LOCAL_TOKEN = 36;
export const MAX_PREFIX = MAX_REMOTE_TOKEN - 1 - MAX_LOCAL_TOKEN;

export interface ResolvedToken {
  deviceId: string;
  /** The token as the device itself knows it. */
  deviceToken: string;
}

export function isValidPrefix(prefix: string): boolean {
  return prefix.length >= 1 && prefix.length <= MAX_PREFIX && /^[A-Za-z0-9_.-]+$/.test(prefix);
}

function fitsAsLocal(token: string): boolean {
  return token.length >= 1 && token.length <= MAX_LOCAL_TOKEN && !token.includes(':') && !/\s/.test(token);
}

export class TokenMap {
  readonly #prefixByDevice = new Map<string, string>();
  readonly #deviceByPrefix = new Map<string, string>();
  /** `${deviceId}\n${deviceToken}` → local token, and the reverse. */
  readonly #toLocal = new Map<string, string>();
  readonly #toDevice = new Map<string, string>();
  readonly #insertMapping;
  readonly #upsertPrefix;

  constructor(db: Db) {
    // Prepared once: a first start with thousands of cameras mints a token per resource.
    this.#insertMapping = db.prepare('INSERT INTO token_map (device_id, device_token, local_token) VALUES (?, ?, ?)');
    this.#upsertPrefix = db.prepare('INSERT INTO device_prefixes (device_id, prefix) VALUES (?, ?) ON CONFLICT(device_id) DO UPDATE SET prefix = excluded.prefix');
    for (const r of db.prepare('SELECT device_id, prefix FROM device_prefixes').all() as { device_id: string; prefix: string }[]) {
      this.#prefixByDevice.set(r.device_id, r.prefix);
      this.#deviceByPrefix.set(r.prefix, r.device_id);
    }
    for (const r of db.prepare('SELECT device_id, device_token, local_token FROM token_map').all() as {
      device_id: string;
      device_token: string;
      local_token: string;
    }[]) {
      this.#toLocal.set(`${r.device_id}\n${r.device_token}`, r.local_token);
      this.#toDevice.set(`${r.device_id}\n${r.local_token}`, r.device_token);
    }
  }

  /**
   * Registers a device, with a requested prefix or one derived from its id. A persisted prefix
   * wins over a derived one (tokens must not change); a requested one replaces it.
   */
  registerDevice(deviceId: string, requestedPrefix?: string): string {
    const existing = this.#prefixByDevice.get(deviceId);
    if (requestedPrefix !== undefined) {
      // A 20-digit prefix claims to be an Annex A device ID: hold it to that scheme's fields.
      if (isDeviceId20(requestedPrefix)) parseDeviceId20(requestedPrefix);
      if (!isValidPrefix(requestedPrefix)) {
        throw new VigilError('InvalidArgVal', `token prefix '${requestedPrefix}' must be 1-${MAX_PREFIX} characters of A-Z a-z 0-9 _ . -`);
      }
      if (existing === requestedPrefix) return existing;
      const owner = this.#deviceByPrefix.get(requestedPrefix);
      if (owner !== undefined && owner !== deviceId) throw new VigilError('InvalidArgVal', `token prefix '${requestedPrefix}' is already used by device '${owner}'`);
      this.#setPrefix(deviceId, requestedPrefix, existing);
      return requestedPrefix;
    }
    if (existing !== undefined) return existing;
    let candidate = deriveprefix(deviceId);
    for (let n = 2; this.#deviceByPrefix.has(candidate); n++) candidate = `${deriveprefix(deviceId).slice(0, MAX_PREFIX - String(n).length - 1)}-${n}`;
    this.#setPrefix(deviceId, candidate, undefined);
    return candidate;
  }

  #setPrefix(deviceId: string, prefix: string, old: string | undefined): void {
    this.#upsertPrefix.run(deviceId, prefix);
    if (old !== undefined) this.#deviceByPrefix.delete(old);
    this.#prefixByDevice.set(deviceId, prefix);
    this.#deviceByPrefix.set(prefix, deviceId);
  }

  prefixOf(deviceId: string): string {
    const p = this.#prefixByDevice.get(deviceId);
    if (p === undefined) throw new Error(`device '${deviceId}' has no token prefix (registerDevice first)`);
    return p;
  }

  /** The remote token a client sees for a device's own token. */
  toRemote(deviceId: string, deviceToken: string): string {
    const prefix = this.prefixOf(deviceId);
    const key = `${deviceId}\n${deviceToken}`;
    let local = this.#toLocal.get(key);
    if (local === undefined) {
      local = fitsAsLocal(deviceToken) && !this.#toDevice.has(`${deviceId}\n${deviceToken}`) ? deviceToken : this.#mintLocal(deviceId, deviceToken);
      this.#insertMapping.run(deviceId, deviceToken, local);
      this.#toLocal.set(key, local);
      this.#toDevice.set(`${deviceId}\n${local}`, deviceToken);
    }
    return `${prefix}:${local}`;
  }

  /** Resolves a remote token; a token this node did not issue is refused (2-33 §6.3). */
  toDevice(remoteToken: string): ResolvedToken {
    const i = remoteToken.indexOf(':');
    const deviceId = i > 0 ? this.#deviceByPrefix.get(remoteToken.slice(0, i)) : undefined;
    const deviceToken = deviceId === undefined ? undefined : this.#toDevice.get(`${deviceId}\n${remoteToken.slice(i + 1)}`);
    if (deviceId === undefined || deviceToken === undefined || remoteToken.length > MAX_REMOTE_TOKEN) {
      throw new VigilError('InvalidArgVal', `token '${remoteToken.slice(0, 80)}' was not issued by this node`);
    }
    return { deviceId, deviceToken };
  }

  /** Whether a remote token belongs to the given device (for filters and checks). */
  deviceOf(remoteToken: string): string | undefined {
    const i = remoteToken.indexOf(':');
    return i > 0 ? this.#deviceByPrefix.get(remoteToken.slice(0, i)) : undefined;
  }

  #mintLocal(deviceId: string, deviceToken: string): string {
    // Stable across restarts (persisted) and short; a hash keeps it deterministic as well.
    for (let salt = 0; ; salt++) {
      const local = `m${createHash('sha256').update(`${deviceToken}\n${salt}`).digest('base64url').slice(0, 15)}`;
      if (!this.#toDevice.has(`${deviceId}\n${local}`)) return local;
    }
  }
}

/** A prefix from a device id: its safe characters, shortened to fit. */
function deriveprefix(deviceId: string): string {
  const cleaned = deviceId.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, MAX_PREFIX);
  return cleaned || `dev${createHash('sha256').update(deviceId).digest('hex').slice(0, 8)}`;
}
