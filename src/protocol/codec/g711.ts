/**
 * ITU-T G.711 µ-law and A-law companding of 16-bit linear PCM, following the reference
 * implementation of ITU-T G.191 (STL g711.c): µ-law uses the 14 most significant bits, A-law the
 * 13 most significant bits, negative inputs are taken as one's complement before quantising, and
 * decoding returns the centre of each quantisation interval, scaled back to 16 bits.
 * Codes are the transmitted octets (µ-law bits inverted, A-law even bits inverted).
 */

/** Encodes one 16-bit sample (-32768..32767) to a µ-law octet. */
export function linearToMulaw(sample: number): number {
  const negative = sample < 0;
  // One's complement of the negative value, so -1 quantises like 0 (G.191 ulaw_compress).
  // The bias of 33 makes segment boundaries powers of two; 8191 caps the largest segment.
  const magnitude = Math.min(((negative ? ~sample : sample) >> 2) + 33, 0x1fff);
  let segment = 1;
  for (let i = magnitude >> 6; i !== 0; i >>= 1) segment++;
  const highNibble = 8 - segment;
  const lowNibble = 0x0f - ((magnitude >> segment) & 0x0f);
  const code = (highNibble << 4) | lowNibble;
  return negative ? code : code | 0x80;
}

/** Decodes a µ-law octet to a 16-bit sample. */
export function mulawToLinear(code: number): number {
  const inverted = ~code;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const step = 4 << (exponent + 1);
  const magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
  return (code & 0x80) !== 0 ? magnitude : 0 - magnitude; // 0 - x: code 0x7F decodes to 0, not -0
}

/** Encodes one 16-bit sample to an A-law octet. */
export function linearToAlaw(sample: number): number {
  const negative = sample < 0;
  let magnitude = (negative ? ~sample : sample) >> 4; // 12-bit magnitude, one's complement for negatives
  if (magnitude > 15) {
    let exponent = 1;
    while (magnitude > 16 + 15) {
      magnitude >>= 1;
      exponent++;
    }
    magnitude = magnitude - 16 + (exponent << 4);
  }
  if (!negative) magnitude |= 0x80;
  return magnitude ^ 0x55; // invert the even bits
}

/** Decodes an A-law octet to a 16-bit sample. */
export function alawToLinear(code: number): number {
  const value = (code ^ 0x55) & 0x7f;
  const exponent = value >> 4;
  let mantissa = value & 0x0f;
  if (exponent > 0) mantissa += 16; // implicit leading one
  mantissa = (mantissa << 4) + 0x08; // centre of the interval
  if (exponent > 1) mantissa <<= exponent - 1;
  return code > 0x7f ? mantissa : -mantissa;
}

function buildDecodeTable(decode: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = decode(code);
  return table;
}

/** Decoding is a 256-entry lookup; encoding stays arithmetic (cheap, and no 64 KiB tables). */
const MULAW_TO_LINEAR = buildDecodeTable(mulawToLinear);
const ALAW_TO_LINEAR = buildDecodeTable(alawToLinear);

/** Encodes 16-bit PCM samples to µ-law, one octet per sample. */
export function encodeMulaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToMulaw(pcm[i] as number);
  return out;
}

/** Decodes µ-law octets to 16-bit PCM samples. */
export function decodeMulaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = MULAW_TO_LINEAR[codes[i] as number] as number;
  return out;
}

/** Encodes 16-bit PCM samples to A-law, one octet per sample. */
export function encodeAlaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToAlaw(pcm[i] as number);
  return out;
}

/** Decodes A-law octets to 16-bit PCM samples. */
export function decodeAlaw(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = ALAW_TO_LINEAR[codes[i] as number] as number;
  return out;
}
