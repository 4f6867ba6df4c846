/**
 * Why the event core refused something, in WS-BaseNotification's terms. The core is transport
 * free: it throws `EventFault`s; the SOAP event service turns each into its fault (code,
 * subcodes and the WS-BaseFault detail element). `FilterParseError` is the typed error of the
 * filter expression parsers (topic expressions, item filters).
 */

export type EventFaultKind =
  | 'InvalidFilter'
  | 'TopicExpressionDialectUnknown'
  | 'InvalidTopicExpression'
  | 'TopicNotSupported'
  | 'InvalidMessageContentExpression'
  | 'UnacceptableInitialTerminationTime'
  | 'UnacceptableTerminationTime'
  | 'UnrecognizedPolicyRequest'
  | 'UnsupportedPolicyRequest'
  | 'SubscribeCreationFailed'
  | 'ResourceUnknown'
  | 'UnableToGetMessages'
  | 'NoCurrentMessageOnTopic'
  | 'NotAuthorized';

export interface EventFaultInfo {
  /** InvalidFilter: the filter elements not understood; policy faults: the policies. */
  qnames?: { ns: string; name: string }[];
  /** Unacceptable(Initial)TerminationTime: the acceptable range (ms since the epoch). */
  minimumTime?: number;
  maximumTime?: number;
}

export class EventFault extends Error {
  readonly kind: EventFaultKind;
  readonly info: EventFaultInfo;
  constructor(kind: EventFaultKind, message: string, info: EventFaultInfo = {}) {
    super(message);
    this.name = 'EventFault';
    this.kind = kind;
    this.info = info;
  }
}

export class FilterParseError extends Error {
  /** SYNTAX: not the grammar; PREFIX: unbound or wrong namespace prefix; LIMIT: too long/deep. */
  readonly code: 'SYNTAX' | 'PREFIX' | 'LIMIT';
  /** Character offset in the expression where parsing failed. */
  readonly offset: number;
  constructor(code: FilterParseError['code'], offset: number, message: string) {
    super(`${message} (at offset ${offset})`);
    this.name = 'FilterParseError';
    this.code = code;
    this.offset = offset;
  }
}
