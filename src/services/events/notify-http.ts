/**
 * Delivers Notify messages to WS-BaseNotification consumers over HTTP(S): the only outbound
 * network use of the event service. Only http: and https: URLs are accepted (checked when the
 * subscription is made); redirects are not followed; every request has a hard deadline; the
 * consumer's reply body is discarded unread. HTTPS consumers must present a certificate the
 * host trusts.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SOAP_CONTENT_TYPE } from '../../soap/envelope.js';

/** Posts a body and resolves with the HTTP status; rejects on network errors and timeouts. */
export type HttpPoster = (url: URL, body: string, action: string) => Promise<number>;

export interface HttpPosterHandle {
  post: HttpPoster;
  close(): void;
}

export function createHttpPoster(opts: { timeoutMs: number } = { timeoutMs: 10_000 }): HttpPosterHandle {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4 });
  const post: HttpPoster = (url, body, action) =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: { 'content-type': `${SOAP_CONTENT_TYPE}; action="${action}"`, 'content-length': Buffer.byteLength(body) },
      });
      const deadline = setTimeout(() => req.destroy(new Error(`no answer from the consumer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      deadline.unref();
      req.on('response', (res) => {
        res.on('end', () => clearTimeout(deadline));
        res.on('error', () => clearTimeout(deadline));
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        clearTimeout(deadline);
        reject(err);
      });
      req.end(body);
    });
  return {
    post,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** Checks a consumer address: absolute http(s) URL without credentials. */
export function consumerUrl(text: string): URL | undefined {
  if (text.length > 2048) return undefined;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  if (u.username || u.password) return undefined;
  return u;
}
