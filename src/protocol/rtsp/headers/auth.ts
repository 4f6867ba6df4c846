// Authorization and WWW-Authenticate (RFC 2617/7616 Digest, RFC 7617 Basic, the grammar of
// RFC 7235 §2.1 which RTSP 1.0 clients use). A WWW-Authenticate value may hold several
// challenges, each with comma-separated parameters, so ',' alone does not say whether the next
// item is a parameter or a new challenge: a following `token =` means a parameter.
import { Buffer } from 'node:buffer';
import { RtspParseError } from '../errors.js';
import { isToken, quote, readQuotedString } from './tokens.js';

export interface AuthParam {
  /** As written; compare case-insensitively (see authParam). */
  name: string;
  value: string;
  /** Written as a quoted-string (kept so that serialization reproduces the input). */
  quoted: boolean;
}

/** One challenge (or one set of credentials): a scheme with a token68 or with parameters. */
export interface AuthChallenge {
  scheme: string;
  token68?: string;
  params: AuthParam[];
}

export interface BasicAuthorization {
  scheme: 'basic';
  username: string;
  password: string;
}

export interface DigestAuthorization {
  scheme: 'digest';
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

export type Authorization = BasicAuthorization | DigestAuthorization;

function bad(message: string): never {
  throw new RtspParseError('BAD_AUTH', message);
}

const TOKEN_CHARS = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHARS = /[A-Za-z0-9\-._~+/]/;

class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  skipSpaces(): number {
    const from = this.pos;
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
    return this.pos - from;
  }

  read(chars: RegExp): string {
    const from = this.pos;
    while (!this.done && chars.test(this.peek())) this.pos++;
    return this.text.substring(from, this.pos);
  }
}

/** All challenges in one or more WWW-Authenticate values, in order. */
export function parseWwwAuthenticate(values: string | readonly string[]): AuthChallenge[] {
  const list = typeof values === 'string' ? [values] : values;
  return list.flatMap((v) => parseChallengeList(v));
}

function parseChallengeList(text: string): AuthChallenge[] {
  const lx = new Lexer(text);
  const challenges: AuthChallenge[] = [];
  for (;;) {
    // Empty list elements (",,") are allowed by the #rule.
    while (lx.peek() === ',' || lx.peek() === ' ' || lx.peek() === '\t') lx.pos++;
    if (lx.done) break;
    challenges.push(parseChallenge(lx));
  }
  if (challenges.length === 0) bad('no challenge');
  return challenges;
}

function parseChallenge(lx: Lexer): AuthChallenge {
  const scheme = lx.read(TOKEN_CHARS);
  if (scheme === '') bad(`expected an auth scheme at ${lx.pos}`);
  const challenge: AuthChallenge = { scheme, params: [] };
  const spaces = lx.skipSpaces();
  if (lx.done || lx.peek() === ',') return challenge;
  if (spaces === 0) bad('auth scheme not followed by a space');

  // token68: a run of token68 characters, optional '=' padding, then the end of this element.
  const start = lx.pos;
  const token68Chars = lx.read(TOKEN68_CHARS);
  const token68 = token68Chars + lx.read(/=/);
  lx.skipSpaces();
  if (token68Chars !== '' && (lx.done || lx.peek() === ',')) {
    challenge.token68 = token68;
    return challenge;
  }
  lx.pos = start;

  for (;;) {
    challenge.params.push(parseParam(lx));
    lx.skipSpaces();
    if (lx.done) return challenge;
    if (lx.peek() !== ',') bad(`unexpected ${JSON.stringify(lx.peek())} after auth parameter`);
    // Look past the comma(s): `token =` continues this challenge, anything else starts the next.
    const comma = lx.pos;
    while (lx.peek() === ',' || lx.peek() === ' ' || lx.peek() === '\t') lx.pos++;
    if (lx.done) return challenge;
    lx.read(TOKEN_CHARS);
    lx.skipSpaces();
    const isParam = lx.peek() === '=';
    lx.pos = comma;
    if (!isParam) return challenge;
    while (lx.peek() === ',' || lx.peek() === ' ' || lx.peek() === '\t') lx.pos++;
  }
}

function parseParam(lx: Lexer): AuthParam {
  const name = lx.read(TOKEN_CHARS);
  if (name === '') bad(`expected an auth parameter at ${lx.pos}`);
  lx.skipSpaces();
  if (lx.peek() !== '=') bad(`auth parameter ${name} without "="`);
  lx.pos++;
  lx.skipSpaces();
  if (lx.peek() === '"') {
    const { value, end } = readQuotedString(lx.text, lx.pos, 'BAD_AUTH');
    lx.pos = end;
    return { name, value, quoted: true };
  }
  // Tokens, plus '/' ':' '=' '@' which real peers put unquoted in nonces and URIs.
  const value = lx.read(/[!#$%&'*+\-.^_`|~0-9A-Za-z/:=@]/);
  if (value === '') bad(`auth parameter ${name} has no value`);
  return { name, value, quoted: false };
}

/** Value of parameter `name` (case-insensitive), or undefined. */
export function authParam(challenge: AuthChallenge, name: string): string | undefined {
  const lower = name.toLowerCase();
  return challenge.params.find((p) => p.name.toLowerCase() === lower)?.value;
}

const UNQUOTED_VALUE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z/:=@]+$/;

export function serializeChallenge(challenge: AuthChallenge): string {
  if (!isToken(challenge.scheme)) throw new TypeError(`invalid auth scheme ${challenge.scheme}`);
  if (challenge.token68 !== undefined) {
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(challenge.token68)) throw new TypeError('invalid token68');
    return `${challenge.scheme} ${challenge.token68}`;
  }
  if (challenge.params.length === 0) return challenge.scheme;
  const params = challenge.params.map((p) => {
    if (!isToken(p.name)) throw new TypeError(`invalid auth parameter name ${p.name}`);
    // A value that cannot stand unquoted is quoted whatever `quoted` says.
    const value = p.quoted || !UNQUOTED_VALUE.test(p.value) ? quote(p.value) : p.value;
    return `${p.name}=${value}`;
  });
  return `${challenge.scheme} ${params.join(', ')}`;
}

/** Several challenges in one header value (prefer one WWW-Authenticate field per challenge). */
export function serializeWwwAuthenticate(challenges: readonly AuthChallenge[]): string {
  return challenges.map(serializeChallenge).join(', ');
}

export interface DigestChallengeOptions {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm?: string;
  stale?: boolean;
  qop?: string;
}

/** A Digest challenge with RFC 7616 quoting (algorithm and stale unquoted, the rest quoted). */
export function digestChallenge(options: DigestChallengeOptions): AuthChallenge {
  const params: AuthParam[] = [
    { name: 'realm', value: options.realm, quoted: true },
    { name: 'nonce', value: options.nonce, quoted: true },
  ];
  if (options.opaque !== undefined) params.push({ name: 'opaque', value: options.opaque, quoted: true });
  if (options.algorithm !== undefined) params.push({ name: 'algorithm', value: options.algorithm, quoted: false });
  if (options.qop !== undefined) params.push({ name: 'qop', value: options.qop, quoted: true });
  if (options.stale !== undefined) params.push({ name: 'stale', value: options.stale ? 'TRUE' : 'FALSE', quoted: false });
  return { scheme: 'Digest', params };
}

export function basicChallenge(realm: string): AuthChallenge {
  return { scheme: 'Basic', params: [{ name: 'realm', value: realm, quoted: true }] };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGEST_REQUIRED = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
const DIGEST_OPTIONAL = ['algorithm', 'qop', 'nc', 'cnonce', 'opaque'] as const;

/** Credentials of an Authorization header; schemes other than Basic and Digest are BAD_AUTH. */
export function parseAuthorization(value: string): Authorization {
  const all = parseChallengeList(value);
  if (all.length !== 1) bad('Authorization must hold exactly one set of credentials');
  const credentials = all[0]!;
  const scheme = credentials.scheme.toLowerCase();
  if (scheme === 'basic') return parseBasic(credentials);
  if (scheme === 'digest') return parseDigest(credentials);
  bad(`unsupported auth scheme ${credentials.scheme}`);
}

function parseBasic(credentials: AuthChallenge): BasicAuthorization {
  const token = credentials.token68;
  if (token === undefined || !BASE64.test(token) || token.length % 4 === 1) bad('malformed Basic credentials');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) bad('Basic credentials without ":"');
  return { scheme: 'basic', username: decoded.substring(0, colon), password: decoded.substring(colon + 1) };
}

function parseDigest(credentials: AuthChallenge): DigestAuthorization {
  if (credentials.token68 !== undefined) bad('Digest credentials must be parameters');
  const values = new Map<string, string>();
  for (const p of credentials.params) {
    const name = p.name.toLowerCase();
    if (values.has(name)) bad(`repeated Digest parameter ${name}`);
    values.set(name, p.value);
  }
  for (const name of DIGEST_REQUIRED) if (!values.has(name)) bad(`Digest credentials without ${name}`);
  const digest: DigestAuthorization = {
    scheme: 'digest',
    username: values.get('username')!,
    realm: values.get('realm')!,
    nonce: values.get('nonce')!,
    uri: values.get('uri')!,
    response: values.get('response')!,
  };
  for (const name of DIGEST_OPTIONAL) {
    const v = values.get(name);
    if (v !== undefined) digest[name] = v;
  }
  return digest;
}

export function serializeAuthorization(auth: Authorization): string {
  if (auth.scheme === 'basic') {
    if (auth.username.includes(':')) throw new TypeError('Basic username cannot contain ":"');
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  }
  const params: AuthParam[] = [
    { name: 'username', value: auth.username, quoted: true },
    { name: 'realm', value: auth.realm, quoted: true },
    { name: 'nonce', value: auth.nonce, quoted: true },
    { name: 'uri', value: auth.uri, quoted: true },
    { name: 'response', value: auth.response, quoted: true },
  ];
  // RFC 7616 §3.4: algorithm, qop and nc are tokens; cnonce and opaque are quoted.
  if (auth.algorithm !== undefined) params.push({ name: 'algorithm', value: auth.algorithm, quoted: false });
  if (auth.qop !== undefined) params.push({ name: 'qop', value: auth.qop, quoted: false });
  if (auth.nc !== undefined) params.push({ name: 'nc', value: auth.nc, quoted: false });
  if (auth.cnonce !== undefined) params.push({ name: 'cnonce', value: auth.cnonce, quoted: true });
  if (auth.opaque !== undefined) params.push({ name: 'opaque', value: auth.opaque, quoted: true });
  return serializeChallenge({ scheme: 'Digest', params });
}
