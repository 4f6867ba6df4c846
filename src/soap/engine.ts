/**
 * The SOAP 1.2 engine: envelope → service (by HTTP path and body namespace) → operation →
 * authentication → authorization (access table) → handler → response or fault, with an audit
 * record for every authenticated call. Transport-free: it takes text and returns a reply.
 */
import type { Logger } from 'pino';
import type { RequestContext } from '../core/context.js';
import { asVigilError, VigilError } from '../core/errors.js';
import { isAllowed, type AccessClass, type Principal } from '../security/access.js';
import type { Authenticator } from '../security/authenticator.js';
import { OPERATION_ACCESS } from '../security/operation-access.js';
import type { AuditLog } from '../storage/audit.js';
import { el, type Xml } from '../xml/write.js';
import { addressingReply, envelopeBytes, readEnvelope, SOAP_CONTENT_TYPE, writeEnvelope, type SoapRequest } from './envelope.js';
import { faultBody, faultHttpStatus } from './fault.js';
import type { OperationCall, OperationHandler, SoapService } from './service.js';

/** An operation as dispatch finds it: handler and access class looked up once, at registration. */
interface Operation {
  /** The operation's name as registered (a constant: cheaper to hash and compare than the request's copy). */
  name: string;
  handler: OperationHandler;
  access: AccessClass;
}

/** Where a body namespace is dispatched: the serving service and its operations by local name. */
interface NamespaceRoute {
  service: SoapService;
  operations: Map<string, Operation>;
}

const NO_TOKENS: string[] = [];
/** The header fields of every successful reply (shared: replies are never modified once made). */
const OK_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': SOAP_CONTENT_TYPE });

export interface HttpReply {
  status: number;
  headers: Readonly<Record<string, string | string[]>>;
  /** UTF-8 bytes (successful replies) or text (faults). */
  body: Buffer | string;
}

export class SoapEngine {
  readonly #byNamespace = new Map<string, NamespaceRoute>();
  readonly #services: SoapService[] = [];
  readonly #paths = new Set<string>();
  readonly #pathPrefixes: string[] = [];
  readonly #auth: Authenticator;
  readonly #audit: AuditLog;
  readonly #log: Logger;

  constructor(auth: Authenticator, audit: AuditLog, log: Logger) {
    this.#auth = auth;
    this.#audit = audit;
    this.#log = log;
  }

  register(service: SoapService): void {
    const tables = [
      { prefix: service.prefix, namespace: service.namespace, operations: service.operations },
      ...(service.foreignOperations ?? []),
    ];
    const routes: NamespaceRoute[] = [];
    const namespaces: string[] = [];
    for (const table of tables) {
      const operations = new Map<string, Operation>();
      for (const [name, handler] of Object.entries(table.operations)) {
        const access = OPERATION_ACCESS[`${table.prefix}:${name}`];
        if (access === undefined) throw new Error(`operation ${table.prefix}:${name} has no access class in security/operation-access.ts`);
        operations.set(name, { name, handler, access });
      }
      routes.push({ service, operations });
      namespaces.push(table.namespace);
    }
    for (let i = 0; i < routes.length; i++) {
      const taken = this.#byNamespace.get(namespaces[i]!);
      if (taken) throw new Error(`namespace ${namespaces[i]} is already served by the ${taken.service.name} service`);
    }
    routes.forEach((route, i) => this.#byNamespace.set(namespaces[i]!, route));
    this.#services.push(service);
    this.#paths.add(service.path);
    if (service.pathPrefix) this.#pathPrefixes.push(service.pathPrefix);
  }

  services(): SoapService[] {
    return [...this.#services];
  }

  servesPath(path: string): boolean {
    return this.#paths.has(path) || this.#pathPrefixes.some((p) => path.startsWith(p));
  }

  /**
   * Answers one SOAP request. Synchronous when the operation's handler is (most are), so the
   * common request allocates no promises; a Promise when the handler is asynchronous.
   */
  handle(ctx: RequestContext, text: string): HttpReply | Promise<HttpReply> {
    let req: SoapRequest | undefined;
    try {
      req = readEnvelope(text);
      const reply = this.#dispatch(ctx, req);
      if (reply instanceof Promise) {
        const r = req;
        return reply.catch((err: unknown) => this.#failed(err, ctx, r));
      }
      return reply;
    } catch (err) {
      return this.#failed(err, ctx, req);
    }
  }

  #failed(err: unknown, ctx: RequestContext, req: SoapRequest | undefined): HttpReply {
    const e = asVigilError(err);
    if (e.code === 'Internal') this.#log.error({ err, url: ctx.url }, 'SOAP handler failed');
    return this.fault(e, req);
  }

  fault(e: VigilError, req?: Pick<SoapRequest, 'action' | 'messageId'>, extraHeaders: Record<string, string | string[]> = {}): HttpReply {
    const headerBlocks: Xml[] = req ? addressingReply(req, true) : [];
    if (e.code === 'VersionMismatch') {
      // SOAP 1.2 §5.4.7: tell the sender which envelope version we speak.
      headerBlocks.push(el('env:Upgrade', el('env:SupportedEnvelope', undefined, { qname: 'env:Envelope' })));
    }
    return {
      status: extraHeaders['www-authenticate'] ? 401 : faultHttpStatus(e),
      headers: { 'content-type': SOAP_CONTENT_TYPE, ...extraHeaders },
      body: writeEnvelope(faultBody(e), headerBlocks),
    };
  }

  #dispatch(ctx: RequestContext, req: SoapRequest): HttpReply | Promise<HttpReply> {
    const route = this.#byNamespace.get(req.body.ns);
    const opName = req.body.name;
    if (!route) {
      throw new VigilError('ActionNotSupported', `no service for namespace '${req.body.ns || '(none)'}' on this node`);
    }
    const service = route.service;
    const op = route.operations.get(opName);
    if (op === undefined) throw new VigilError('ActionNotSupported', `${service.name} service does not implement ${opName}`);
    const access = op.access;

    const auth = this.#auth.authenticate(ctx, req.header);
    if (!auth.ok) {
      this.#record(ctx, { username: auth.claimed, level: 'Anonymous', method: 'anonymous' }, service, op.name, NO_TOKENS, `auth-failed:${auth.reason}`);
      const err = new VigilError('NotAuthorized', authFailureMessage(auth.reason));
      if (auth.via === 'http') {
        return this.fault(err, req, { 'www-authenticate': this.#auth.digest.challenges(auth.reason === 'stale-nonce') });
      }
      return this.fault(err, req);
    }
    const principal = auth.principal;
    if (!isAllowed(principal.level, access)) {
      this.#record(ctx, principal, service, op.name, NO_TOKENS, 'denied');
      const err = new VigilError('NotAuthorized', `${op.name} requires access class ${access}`);
      // No credentials at all: ask for HTTP digest (Core spec, "HTTP digest" when both are supported).
      if (principal.method === 'anonymous') return this.fault(err, req, { 'www-authenticate': this.#auth.digest.challenges() });
      return this.fault(err, req);
    }

    const call: OperationCall = { ctx, principal, body: req.body, header: req.header, touched: [] };
    let body: Xml | Promise<Xml>;
    try {
      body = op.handler(call);
    } catch (err) {
      return this.#operationFailed(err, call, service, op, req);
    }
    if (body instanceof Promise) {
      return body.then(
        (b) => this.#answered(b, call, service, op, req),
        (err: unknown) => this.#operationFailed(err, call, service, op, req),
      );
    }
    return this.#answered(body, call, service, op, req);
  }

  #answered(body: Xml, call: OperationCall, service: SoapService, op: Operation, req: SoapRequest): HttpReply {
    this.#record(call.ctx, call.principal, service, op.name, call.touched, 'ok');
    return { status: 200, headers: OK_HEADERS, body: envelopeBytes(body, addressingReply(req, false)) };
  }

  #operationFailed(err: unknown, call: OperationCall, service: SoapService, op: Operation, req: SoapRequest): HttpReply {
    const e = asVigilError(err);
    if (e.code === 'Internal') this.#log.error({ err, op: op.name }, 'operation failed');
    this.#record(call.ctx, call.principal, service, op.name, call.touched, `fault:${e.code}`);
    return this.fault(e, req);
  }

  #record(ctx: RequestContext, p: Principal, service: SoapService, operation: string, tokens: string[], outcome: string): void {
    if (p.method === 'anonymous' && !outcome.startsWith('auth-failed')) return;
    this.#audit.record({
      ts: new Date(), username: p.username, authMethod: p.method, source: ctx.remoteAddress, transport: ctx.transport,
      service: service.name, operation, tokens, outcome,
    });
  }
}

function authFailureMessage(reason: string): string {
  switch (reason) {
    case 'locked-out':
      return 'too many failed authentication attempts from this address; try again later';
    case 'stale':
      return 'UsernameToken Created is outside the accepted time window; synchronize with GetSystemDateAndTime';
    case 'replay':
      return 'credentials were already used (nonce replay)';
    case 'text-password-needs-tls':
      return 'PasswordText is only accepted over TLS; use PasswordDigest';
    case 'stale-nonce':
      return 'digest nonce expired; retry with the new nonce';
    case 'malformed':
      return 'malformed credentials';
    default:
      return 'the user name or password is not valid';
  }
}
