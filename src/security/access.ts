/**
 * User levels and access classes (Core spec, "Access classes for service requests" and
 * "Default Access Policy"). Which operation needs which class is declared by each service next
 * to its handler and collected at registration; *who may do what* is decided only here.
 */
export const USER_LEVELS = ['Administrator', 'Operator', 'User', 'Anonymous'] as const;
export type UserLevel = (typeof USER_LEVELS)[number];

export const ACCESS_CLASSES = [
  'PRE_AUTH',
  'READ_SYSTEM',
  'READ_SYSTEM_SENSITIVE',
  'READ_SYSTEM_SECRET',
  'WRITE_SYSTEM',
  'UNRECOVERABLE',
  'READ_MEDIA',
  'ACTUATE',
] as const;
export type AccessClass = (typeof ACCESS_CLASSES)[number];

/** The Core spec's default access policy table, verbatim. */
const POLICY: Record<AccessClass, ReadonlySet<UserLevel>> = {
  PRE_AUTH: new Set(['Administrator', 'Operator', 'User', 'Anonymous']),
  READ_SYSTEM: new Set(['Administrator', 'Operator', 'User']),
  READ_SYSTEM_SENSITIVE: new Set(['Administrator', 'Operator']),
  READ_SYSTEM_SECRET: new Set(['Administrator']),
  WRITE_SYSTEM: new Set(['Administrator']),
  UNRECOVERABLE: new Set(['Administrator']),
  READ_MEDIA: new Set(['Administrator', 'Operator', 'User']),
  ACTUATE: new Set(['Administrator', 'Operator']),
};

export function isAllowed(level: UserLevel, access: AccessClass): boolean {
  return POLICY[access].has(level);
}

export function isUserLevel(s: string): s is UserLevel {
  return (USER_LEVELS as readonly string[]).includes(s);
}

/** Who made a request, and how they proved it. */
export interface Principal {
  username: string;
  level: UserLevel;
  method: 'anonymous' | 'http-digest' | 'ws-usernametoken' | 'mtls' | 'local';
}

export const ANONYMOUS: Principal = Object.freeze({ username: '', level: 'Anonymous', method: 'anonymous' });
