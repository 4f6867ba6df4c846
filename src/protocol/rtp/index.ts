// Public surface of the I/O-free RTP layer: wire formats (RTP, RTCP), stream state (sequencer,
// sender/receiver report state) and one packetizer/depacketizer pair per payload format.
export * from './packet.js';
export * from './packet-parts.js';
export * from './continuity.js';
export * from './sequencer.js';
export * from './ntp.js';
export {
  cnameSdes,
  isPictureLossIndication,
  parseRtcp,
  serializeRtcp,
  RTCP_APP,
  RTCP_BYE,
  RTCP_PSFB,
  RTCP_PSFB_PLI,
  RTCP_RR,
  RTCP_RTPFB,
  RTCP_SDES,
  RTCP_SR,
  SDES_CNAME,
  type RtcpApplicationDefined,
  type RtcpFeedback,
  type RtcpGoodbye,
  type RtcpPacket,
  type RtcpReceiverReport,
  type RtcpReportBlock,
  type RtcpSdesItem,
  type RtcpSenderReport,
  type RtcpSourceDescription,
  type RtcpUnknown,
} from './rtcp.js';
export * from './sender-report.js';
export * from './receiver-stats.js';
export type { NalAccessUnit, NalDepacketizerOptions } from './nal-payload.js';
export * from './h264.js';
export * from './h265.js';
export * from './jpeg.js';
export * from './aac.js';
export * from './pcm.js';
export * from './metadata.js';
