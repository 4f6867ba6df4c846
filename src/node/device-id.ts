/**
 * IEC 62676-2-33 Annex A: the 20-digit device ID (zone code 8, agency code 2, device type code 3,
 * serial number 7). Vigil accepts such an ID as a device's token prefix and validates it field
 * by field, so a typo is reported as "agency code 12 is reserved" rather than a bare refusal.
 */
import { VigilError } from '../core/errors.js';

export interface DeviceId20 {
  zone: { province: string; city: string; district: string; unit: string };
  agencyCode: string;
  deviceTypeCode: string;
  networkId: string;
  serial: string;
}

/** Agency code ranges Table A.2 reserves. */
const RESERVED_AGENCY: [number, number, string][] = [
  [12, 39, 'reserved 1'],
  [56, 79, 'reserved 2'],
  [80, 89, 'reserved 3'],
  [90, 99, 'reserved 4'],
];

/** Device type code ranges Table A.3 defines (front-end, peripheral, platform, users, external, extended). */
const DEVICE_TYPE_RANGES: [number, number][] = [
  [111, 149],
  [200, 299],
  [300, 399],
  [400, 499],
  [500, 599],
  [600, 699],
];

export function isDeviceId20(s: string): boolean {
  return /^[0-9]{20}$/.test(s);
}

export function parseDeviceId20(id: string): DeviceId20 {
  const bad = (msg: string): never => {
    throw new VigilError('InvalidArgVal', `device ID '${id}': ${msg}`);
  };
  if (!isDeviceId20(id)) bad('must be exactly 20 decimal digits (zone 8, agency 2, device type 3, serial 7)');
  const province = id.slice(0, 2);
  const city = id.slice(2, 4);
  const district = id.slice(4, 6);
  const unit = id.slice(6, 8);
  const agencyCode = id.slice(8, 10);
  const deviceTypeCode = id.slice(10, 13);
  const networkId = id.slice(13, 14);
  const serial = id.slice(14, 20);
  // GB/T 2260 province codes run from 11 to 82; 00 is no province.
  const p = Number(province);
  if (p < 11 || p > 82) bad(`zone code province '${province}' is not an administrative division code (11-82)`);
  const a = Number(agencyCode);
  for (const [lo, hi, name] of RESERVED_AGENCY) if (a >= lo && a <= hi) bad(`agency code ${agencyCode} is ${name} (${lo}-${hi})`);
  const d = Number(deviceTypeCode);
  if (!DEVICE_TYPE_RANGES.some(([lo, hi]) => d >= lo && d <= hi)) {
    bad(`device type code ${deviceTypeCode} is not defined (111-149, 200-699)`);
  }
  if (networkId === '8' || networkId === '9') bad(`network ID ${networkId} is reserved (0-4 alarm network, 5 public security, 6 government, 7 Internet)`);
  return { zone: { province, city, district, unit }, agencyCode, deviceTypeCode, networkId, serial };
}
