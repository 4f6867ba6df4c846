// The unit packetizers produce: header decisions that belong to the payload format (marker,
// media timestamp) plus the payload as a list of views, so the sender can writev() them after a
// header from RtpSequencer + serializeRtpHeader() without concatenating (and without copying
// the encoder's output, which the views alias).

export interface RtpPacketParts {
  marker: boolean;
  /** Media timestamp in the payload format's clock (RtpSequencer adds the random offset and wraps). */
  timestamp: number;
  /** Payload pieces in wire order; small headers are fresh buffers, media data are subarrays of the input. */
  payload: Uint8Array[];
}

export const DEFAULT_MAX_PAYLOAD_SIZE = 1400;

export function partsLength(parts: readonly Uint8Array[]): number {
  let total = 0;
  for (const part of parts) total += part.length;
  return total;
}

/** Concatenates into one new buffer (used by depacketizers that reassemble fragments). */
export function concatParts(parts: readonly Uint8Array[], totalLength = partsLength(parts)): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(totalLength);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Validates a packetizer's maxPayloadSize option (RangeError: a configuration mistake). */
export function checkMaxPayloadSize(value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum || value > 65507) {
    throw new RangeError(`maxPayloadSize ${value} out of range ${minimum}..65507`);
  }
  return value;
}
