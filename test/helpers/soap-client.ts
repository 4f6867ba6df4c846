/**
 * A deliberately small SOAP test client: builds envelopes with chosen prefixes and credentials
 * (UsernameToken digest/text, HTTP Digest) so tests control every byte clients may vary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseAuthParams } from '../../src/security/http-digest.js';

export interface Credentials {
  username: string;
  password: string;
}

export function usernameTokenHeader(c: Credentials, opts: { created?: string; nonce?: Buffer; type?: 'digest' | 'text' } = {}): string {
  const nonce = opts.nonce ?? randomBytes(16);
  const created = opts.created ?? new Date().toISOString();
  const digestType = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
  const textType = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
  const pw = opts.type === 'text' ? c.password : createHash('sha1').update(nonce).update(created).update(c.password).digest('base64');
  return (
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
    'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    `<wsse:UsernameToken><wsse:Username>${c.username}</wsse:Username>` +
    `<wsse:Password Type="${opts.type === 'text' ? textType : digestType}">${pw}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

export function envelope(body: string, header = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">' +
    (header ? `<s:Header>${header}</s:Header>` : '') +
    `<s:Body>${body}</s:Body></s:Envelope>`
  );
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Every WWW-Authenticate header separately (node joins repeated headers in `headers`). */
  challenges: string[];
  body: string;
}

export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, ca?: string): Promise<HttpResult> {
  const u = new URL(url);
  const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = fn(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers },
        ...(ca ? { ca } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const challenges = res.rawHeaders.filter((_, i) => i % 2 === 1 && res.rawHeaders[i - 1]!.toLowerCase() === 'www-authenticate');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, challenges, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POST with HTTP Digest: first request gets the 401 challenge, second answers it. */
export async function postDigest(url: string, body: string, c: Credentials, algorithm: 'MD5' | 'SHA-256' = 'SHA-256'): Promise<HttpResult> {
  const first = await post(url, body);
  if (first.status !== 401) return first;
  const ch = first.challenges.find((h) => h.includes(`algorithm=${algorithm}`)) ?? first.challenges[0]!;
  return post(url, body, { authorization: digestAuthorization(ch, c, 'POST', new URL(url).pathname, algorithm) });
}

export function digestAuthorization(challenge: string, c: Credentials, method: string, uri: string, algorithm: 'MD5' | 'SHA-256', nc = 1): string {
  const params = parseAuthParams(challenge.replace(/^Digest\s+/i, ''))!;
  const h = (s: string): string => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const realm = params.get('realm')!;
  const nonce = params.get('nonce')!;
  const cnonce = randomBytes(8).toString('hex');
  const ncHex = nc.toString(16).padStart(8, '0');
  const ha1 = h(`${c.username}:${realm}:${c.password}`);
  const ha2 = h(`${method}:${uri}`);
  const response = h(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
  return `Digest username="${c.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=${ncHex}, cnonce="${cnonce}", response="${response}", opaque="${params.get('opaque') ?? ''}"`;
}
