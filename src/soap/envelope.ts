/**
 * SOAP 1.2 envelope reading and writing. Reading yields the Header and the single Body child;
 * writing wraps a serialized body (and header blocks) in an envelope declaring Vigil's prefixes.
 */
import { child, type XmlElement } from '../xml/dom.js';
import { NS, xmlnsDecls, type Prefix } from '../xml/ns.js';
import { DEFAULT_XML_LIMITS, parseXml, XmlParseError } from '../xml/parse.js';
import { VigilError } from '../core/errors.js';
import { el, raw, type Xml } from '../xml/write.js';

export interface SoapRequest {
  header: XmlElement | undefined;
  body: XmlElement;
  /** WS-Addressing Action and MessageID, when the client sent them. */
  action: string | undefined;
  messageId: string | undefined;
}

export function readEnvelope(text: string): SoapRequest {
  let root: XmlElement;
  try {
    root = parseXml(text, DEFAULT_XML_LIMITS);
  } catch (err) {
    const msg = err instanceof XmlParseError ? err.message : 'malformed XML';
    throw new VigilError('WellFormed', `request is not well-formed XML: ${msg}`);
  }
  if (root.name === 'Envelope' && root.ns === NS.soap11) {
    throw new VigilError('VersionMismatch', 'SOAP 1.1 envelopes are not supported; use SOAP 1.2');
  }
  if (root.name !== 'Envelope' || root.ns !== NS.env) {
    if (root.name === 'Envelope') throw new VigilError('VersionMismatch', `unknown envelope namespace '${root.ns}'`);
    throw new VigilError('WellFormed', 'the document element is not a SOAP 1.2 Envelope');
  }
  let header: XmlElement | undefined;
  let bodyEl: XmlElement | undefined;
  for (const c of root.children) {
    if (c.ns !== NS.env) throw new VigilError('WellFormed', `unexpected element '${c.name}' in Envelope`);
    if (c.name === 'Header' && !header && !bodyEl) header = c;
    else if (c.name === 'Body' && !bodyEl) bodyEl = c;
    else throw new VigilError('WellFormed', `unexpected element '${c.name}' in Envelope`);
  }
  if (!bodyEl) throw new VigilError('WellFormed', 'Envelope has no Body');
  if (bodyEl.children.length !== 1) {
    throw new VigilError('InvalidArgs', `Body must hold exactly one operation element, found ${bodyEl.children.length}`);
  }
  return {
    header,
    body: bodyEl.children[0]!,
    action: child(header, 'Action', NS.wsa)?.text.trim(),
    messageId: child(header, 'MessageID', NS.wsa)?.text.trim(),
  };
}

/** Every prefix Vigil writes; declared once on each envelope so services never track them. */
const ENVELOPE_PREFIXES: Prefix[] = [
  'env', 'xs', 'xsi', 'wsa', 'ter', 'tt', 'tds', 'trt', 'tr2', 'tev', 'tns1', 'wsnt', 'wstop',
  'wsrf-bf', 'wsrf-rw', 'tptz', 'timg', 'tan', 'tmd', 'trc', 'tse', 'trp', 'tup',
];
const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope${xmlnsDecls(ENVELOPE_PREFIXES)}>`;

export function writeEnvelope(body: Xml, headerBlocks?: Xml[]): string {
  return ENVELOPE_OPEN + envelopeRest(body, headerBlocks);
}

function envelopeRest(body: Xml, headerBlocks: Xml[] | undefined): string {
  const header = headerBlocks && headerBlocks.length ? el('env:Header', headerBlocks).s : '';
  return `${header}<env:Body>${body.s}</env:Body></env:Envelope>`;
}

const ENVELOPE_OPEN_BYTES = Buffer.from(ENVELOPE_OPEN, 'utf8');
/** Buffers up to this size come from Node's shared pool (Buffer.poolSize / 2). */
const POOLED = 4096;

/**
 * writeEnvelope as UTF-8 bytes, for replies. The envelope's opening — over a kilobyte of
 * namespace declarations — is encoded once at start-up; only the rest is encoded per reply,
 * straight into the reply buffer (a UTF-16 unit is at most 3 UTF-8 bytes, so small replies
 * need no length pass).
 */
export function envelopeBytes(body: Xml, headerBlocks?: Xml[]): Buffer {
  const rest = envelopeRest(body, headerBlocks);
  const open = ENVELOPE_OPEN_BYTES.length;
  const bound = open + 3 * rest.length;
  const buf = Buffer.allocUnsafe(bound <= POOLED ? bound : open + Buffer.byteLength(rest, 'utf8'));
  ENVELOPE_OPEN_BYTES.copy(buf, 0);
  const written = buf.write(rest, open, 'utf8');
  return buf.subarray(0, open + written);
}

/** The WS-Addressing header blocks of a reply: Action (request's with "Response") and RelatesTo. */
export function addressingReply(req: Pick<SoapRequest, 'action' | 'messageId'>, fault: boolean): Xml[] {
  const blocks: Xml[] = [];
  if (req.action !== undefined) {
    const action = fault
      ? 'http://www.w3.org/2005/08/addressing/soap/fault'
      : req.action.endsWith('Request')
        ? `${req.action.slice(0, -'Request'.length)}Response`
        : `${req.action}Response`;
    blocks.push(el('wsa:Action', action));
  }
  if (req.messageId !== undefined) blocks.push(el('wsa:RelatesTo', req.messageId));
  return blocks;
}

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';
export { raw };
