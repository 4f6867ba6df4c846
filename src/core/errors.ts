/**
 * Errors with stable codes. Each code maps, in one table, to the SOAP fault it becomes
 * (env:Sender/env:Receiver + ONVIF subcodes), the HTTP status that carries that fault, and the
 * RTSP status the media plane answers with. Services throw `VigilError`s; transports translate.
 */
import type { Xml } from '../xml/write.js';

export type ErrorCode =
  | 'InvalidArgVal'
  | 'InvalidArgs'
  | 'ActionNotSupported'
  | 'NotAuthorized'
  | 'OperationProhibited'
  | 'MaxUsers'
  | 'UsernameClash'
  | 'PasswordTooWeak'
  | 'PasswordInvalid'
  | 'PasswordTooLong'
  | 'UsernameTooShort'
  | 'UsernameTooLong'
  | 'UsernameMissing'
  | 'FixedUser'
  | 'AnonymousNotAllowed'
  | 'ServiceNotSupported'
  | 'NoSuchService'
  | 'InvalidDateTime'
  | 'InvalidTimeZone'
  | 'InvalidHostname'
  | 'ScopeOverwrite'
  | 'TooManyScopes'
  | 'FixedScope'
  | 'NoScope'
  | 'NoProfile'
  | 'NoConfig'
  | 'ConfigModify'
  | 'ConfigurationConflict'
  | 'MaxNVTProfiles'
  | 'DeletionOfFixedProfile'
  | 'IncompleteConfiguration'
  | 'IncompatibleConfiguration'
  | 'InvalidStreamSetup'
  | 'StreamConflict'
  | 'InvalidMulticastSettings'
  | 'NoVideoSource'
  | 'NoVideoSourceMode'
  | 'NoAudioSource'
  | 'MaxOSDs'
  | 'MaxMasks'
  | 'InvalidPolygon'
  | 'InvalidFilterFault'
  | 'InvalidTopicExpression'
  | 'TopicNotSupported'
  | 'InvalidMessageContentExpression'
  | 'UnacceptableInitialTerminationTime'
  | 'UnacceptableTerminationTime'
  | 'ResourceUnknown'
  | 'SubscribeCreationFailed'
  | 'TopicExpressionDialectUnknown'
  | 'UnrecognizedPolicyRequest'
  | 'UnsupportedPolicyRequest'
  | 'UnableToGetMessages'
  | 'NoCurrentMessageOnTopic'
  | 'PullMessagesFault'
  | 'MalformedXml'
  | 'VersionMismatch'
  | 'BodyTooLarge'
  | 'WellFormed'
  | 'TooManyRequests'
  | 'Internal';

export interface ErrorMapping {
  /** SOAP 1.2 fault code: Sender (client's fault), Receiver (ours), or VersionMismatch. */
  soapCode: 'env:Sender' | 'env:Receiver' | 'env:VersionMismatch';
  /** ONVIF subcode chain below the fault code, outermost first (qualified names). */
  subcodes: string[];
  httpStatus: number;
  rtspStatus: number;
}

const S = 'env:Sender';
const R = 'env:Receiver';

/** The one table that decides how every error surfaces on every protocol. */
export const ERROR_TABLE: Record<ErrorCode, ErrorMapping> = {
  InvalidArgVal: { soapCode: S, subcodes: ['ter:InvalidArgVal'], httpStatus: 400, rtspStatus: 400 },
  InvalidArgs: { soapCode: S, subcodes: ['ter:InvalidArgs'], httpStatus: 400, rtspStatus: 400 },
  ActionNotSupported: { soapCode: R, subcodes: ['ter:ActionNotSupported'], httpStatus: 500, rtspStatus: 501 },
  NotAuthorized: { soapCode: S, subcodes: ['ter:NotAuthorized'], httpStatus: 400, rtspStatus: 401 },
  OperationProhibited: { soapCode: S, subcodes: ['ter:OperationProhibited'], httpStatus: 400, rtspStatus: 403 },
  MaxUsers: { soapCode: R, subcodes: ['ter:Action', 'ter:TooManyUsers'], httpStatus: 500, rtspStatus: 503 },
  UsernameClash: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:UsernameClash'], httpStatus: 400, rtspStatus: 400 },
  PasswordTooWeak: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:PasswordTooWeak'], httpStatus: 400, rtspStatus: 400 },
  PasswordInvalid: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:Password'], httpStatus: 400, rtspStatus: 400 },
  PasswordTooLong: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:PasswordTooLong'], httpStatus: 400, rtspStatus: 400 },
  UsernameTooShort: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:UsernameTooShort'], httpStatus: 400, rtspStatus: 400 },
  UsernameTooLong: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:UsernameTooLong'], httpStatus: 400, rtspStatus: 400 },
  UsernameMissing: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:UsernameMissing'], httpStatus: 400, rtspStatus: 400 },
  FixedUser: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:FixedUser'], httpStatus: 400, rtspStatus: 400 },
  AnonymousNotAllowed: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:AnonymousNotAllowed'], httpStatus: 400, rtspStatus: 400 },
  ServiceNotSupported: { soapCode: R, subcodes: ['ter:ActionNotSupported', 'ter:ServiceNotSupported'], httpStatus: 500, rtspStatus: 501 },
  InvalidDateTime: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:InvalidDateTime'], httpStatus: 400, rtspStatus: 400 },
  InvalidTimeZone: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:InvalidTimeZone'], httpStatus: 400, rtspStatus: 400 },
  InvalidHostname: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:InvalidHostname'], httpStatus: 400, rtspStatus: 400 },
  NoSuchService: { soapCode: R, subcodes: ['ter:ActionNotSupported', 'ter:NoSuchService'], httpStatus: 500, rtspStatus: 501 },
  ScopeOverwrite: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:ScopeOverwrite'], httpStatus: 400, rtspStatus: 400 },
  TooManyScopes: { soapCode: R, subcodes: ['ter:Action', 'ter:TooManyScopes'], httpStatus: 500, rtspStatus: 503 },
  FixedScope: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:FixedScope'], httpStatus: 400, rtspStatus: 400 },
  NoScope: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:NoScope'], httpStatus: 400, rtspStatus: 400 },
  NoProfile: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:NoProfile'], httpStatus: 400, rtspStatus: 404 },
  NoConfig: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:NoConfig'], httpStatus: 400, rtspStatus: 404 },
  ConfigModify: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:ConfigModify'], httpStatus: 400, rtspStatus: 400 },
  // Media2 spec: Add/RemoveConfiguration, CreateProfile and Set<entity>Configuration all name it env:Receiver ter:Action.
  ConfigurationConflict: { soapCode: R, subcodes: ['ter:Action', 'ter:ConfigurationConflict'], httpStatus: 500, rtspStatus: 400 },
  MaxNVTProfiles: { soapCode: R, subcodes: ['ter:Action', 'ter:MaxNVTProfiles'], httpStatus: 500, rtspStatus: 503 },
  // Media2 (media profiles, stream setup, video source modes, OSD, masks), as its fault lists spell them.
  DeletionOfFixedProfile: { soapCode: S, subcodes: ['ter:Action', 'ter:DeletionOfFixedProfile'], httpStatus: 400, rtspStatus: 400 },
  IncompleteConfiguration: { soapCode: R, subcodes: ['ter:Action', 'ter:IncompleteConfiguration'], httpStatus: 500, rtspStatus: 404 },
  IncompatibleConfiguration: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:IncompatibleConfiguration'], httpStatus: 400, rtspStatus: 400 },
  InvalidStreamSetup: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:InvalidStreamSetup'], httpStatus: 400, rtspStatus: 461 },
  StreamConflict: { soapCode: S, subcodes: ['ter:OperationProhibited', 'ter:StreamConflict'], httpStatus: 400, rtspStatus: 453 },
  InvalidMulticastSettings: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:InvalidMulticastSettings'], httpStatus: 400, rtspStatus: 461 },
  NoVideoSource: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:NoVideoSource'], httpStatus: 400, rtspStatus: 404 },
  NoVideoSourceMode: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:NoVideoSourceMode'], httpStatus: 400, rtspStatus: 404 },
  NoAudioSource: { soapCode: S, subcodes: ['ter:InvalidArgVal', 'ter:NoAudioSource'], httpStatus: 400, rtspStatus: 404 },
  MaxOSDs: { soapCode: R, subcodes: ['ter:Action', 'ter:MaxOSDs'], httpStatus: 500, rtspStatus: 503 },
  MaxMasks: { soapCode: R, subcodes: ['ter:Action', 'ter:MaxMasks'], httpStatus: 500, rtspStatus: 503 },
  InvalidPolygon: { soapCode: R, subcodes: ['ter:InvalidArgVal', 'ter:InvalidPolygon'], httpStatus: 500, rtspStatus: 400 },
  // WS-BaseNotification faults (Core spec "SOAP Fault Messages": generated as WS-BaseNotification
  // and WS-Topics define them, sent as env:Receiver with HTTP 500). The subcode names the fault;
  // the thrower puts the fault element itself (a wsrf-bf:BaseFault) in env:Detail.
  InvalidFilterFault: { soapCode: R, subcodes: ['wsnt:InvalidFilterFault'], httpStatus: 500, rtspStatus: 400 },
  TopicExpressionDialectUnknown: { soapCode: R, subcodes: ['wsnt:TopicExpressionDialectUnknownFault'], httpStatus: 500, rtspStatus: 400 },
  InvalidTopicExpression: { soapCode: R, subcodes: ['wsnt:InvalidTopicExpressionFault'], httpStatus: 500, rtspStatus: 400 },
  TopicNotSupported: { soapCode: R, subcodes: ['wsnt:TopicNotSupportedFault'], httpStatus: 500, rtspStatus: 400 },
  InvalidMessageContentExpression: { soapCode: R, subcodes: ['wsnt:InvalidMessageContentExpressionFault'], httpStatus: 500, rtspStatus: 400 },
  UnacceptableInitialTerminationTime: { soapCode: R, subcodes: ['wsnt:UnacceptableInitialTerminationTimeFault'], httpStatus: 500, rtspStatus: 400 },
  UnacceptableTerminationTime: { soapCode: R, subcodes: ['wsnt:UnacceptableTerminationTimeFault'], httpStatus: 500, rtspStatus: 400 },
  UnrecognizedPolicyRequest: { soapCode: R, subcodes: ['wsnt:UnrecognizedPolicyRequestFault'], httpStatus: 500, rtspStatus: 400 },
  UnsupportedPolicyRequest: { soapCode: R, subcodes: ['wsnt:UnsupportedPolicyRequestFault'], httpStatus: 500, rtspStatus: 400 },
  ResourceUnknown: { soapCode: R, subcodes: ['wsrf-rw:ResourceUnknownFault'], httpStatus: 500, rtspStatus: 454 },
  SubscribeCreationFailed: { soapCode: R, subcodes: ['wsnt:SubscribeCreationFailedFault'], httpStatus: 500, rtspStatus: 503 },
  UnableToGetMessages: { soapCode: R, subcodes: ['wsnt:UnableToGetMessagesFault'], httpStatus: 500, rtspStatus: 503 },
  NoCurrentMessageOnTopic: { soapCode: R, subcodes: ['wsnt:NoCurrentMessageOnTopicFault'], httpStatus: 500, rtspStatus: 404 },
  // Core spec "Pull messages": Timeout above the supported maximum; the detail names both limits.
  PullMessagesFault: { soapCode: R, subcodes: ['tev:PullMessagesFaultResponse'], httpStatus: 500, rtspStatus: 400 },
  MalformedXml: { soapCode: S, subcodes: ['ter:WellFormed'], httpStatus: 400, rtspStatus: 400 },
  WellFormed: { soapCode: S, subcodes: ['ter:WellFormed'], httpStatus: 400, rtspStatus: 400 },
  VersionMismatch: { soapCode: 'env:VersionMismatch', subcodes: [], httpStatus: 500, rtspStatus: 505 },
  BodyTooLarge: { soapCode: S, subcodes: ['ter:InvalidArgs'], httpStatus: 413, rtspStatus: 413 },
  TooManyRequests: { soapCode: S, subcodes: ['ter:NotAuthorized'], httpStatus: 429, rtspStatus: 503 },
  Internal: { soapCode: R, subcodes: ['ter:Action'], httpStatus: 500, rtspStatus: 500 },
};

export class VigilError extends Error {
  readonly code: ErrorCode;
  /** Extra detail safe to show a client (never a stack trace). */
  readonly detail: string | undefined;
  /** Structured env:Detail content (e.g. a WS-BaseNotification fault element); wins over `detail`. */
  readonly detailXml: Xml | undefined;
  constructor(code: ErrorCode, message: string, detail?: string, detailXml?: Xml) {
    super(message);
    this.name = 'VigilError';
    this.code = code;
    this.detail = detail;
    this.detailXml = detailXml;
  }
  get mapping(): ErrorMapping {
    return ERROR_TABLE[this.code];
  }
}

export function invalidArg(message: string): VigilError {
  return new VigilError('InvalidArgVal', message);
}

/** Normalizes anything thrown into a VigilError; unknown errors become a generic Receiver fault. */
export function asVigilError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  return new VigilError('Internal', 'internal error');
}
