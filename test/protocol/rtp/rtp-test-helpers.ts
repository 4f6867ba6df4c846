// Shared by the payload-format tests: puts packetizer output through a real header + wire
// serialization + parse cycle, so the depacketizers see what a network peer would send.
import { parseRtp, serializeRtp, type RtpPacket } from '../../../src/protocol/rtp/packet.js';
import type { RtpPacketParts } from '../../../src/protocol/rtp/packet-parts.js';
import { RtpSequencer } from '../../../src/protocol/rtp/sequencer.js';
import fc from 'fast-check';

export function toWire(parts: readonly RtpPacketParts[], sequencer: RtpSequencer): RtpPacket[] {
  return parts.map((part) => parseRtp(serializeRtp({ ...sequencer.next(part), payload: part.payload })));
}

export function newSequencer(initialSequenceNumber = 0xfff0): RtpSequencer {
  return new RtpSequencer({ payloadType: 96, ssrc: 0x1234, initialSequenceNumber, timestampOffset: 0xffff0000 });
}

export function payloadBytes(part: RtpPacketParts): Buffer {
  return Buffer.concat(part.payload);
}

/** Arbitrary RTP packets as a depacketizer might receive from a hostile or broken peer. */
export function arbitraryPacket(payload: fc.Arbitrary<Uint8Array>): fc.Arbitrary<RtpPacket> {
  return fc
    .record({
      marker: fc.boolean(),
      sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
      timestamp: fc.constantFrom(0, 3000, 6000, 0xffffffff),
      ssrc: fc.constantFrom(1, 2),
      payload,
    })
    .map((fields) => ({
      ...fields,
      version: 2,
      padding: false,
      paddingLength: 0,
      payloadType: 96,
      csrc: [],
    }));
}

/** A mostly in-order packet list: sequence numbers advance by one with occasional jumps. */
export function arbitraryStream(payload: fc.Arbitrary<Uint8Array>): fc.Arbitrary<RtpPacket[]> {
  return fc.array(fc.tuple(arbitraryPacket(payload), fc.integer({ min: 0, max: 9 })), { maxLength: 40 }).map((list) => {
    let seq = 100;
    return list.map(([packet, jump]) => {
      seq = jump === 0 ? packet.sequenceNumber : (seq + 1) & 0xffff;
      return { ...packet, sequenceNumber: seq };
    });
  });
}
