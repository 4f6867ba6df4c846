/** What a SOAP service is, as the engine sees it. */
import type { RequestContext } from '../core/context.js';
import type { Principal } from '../security/access.js';
import type { XmlElement } from '../xml/dom.js';
import type { Xml } from '../xml/write.js';

export interface OperationCall {
  ctx: RequestContext;
  principal: Principal;
  body: XmlElement;
  header: XmlElement | undefined;
  /** Tokens the operation touched, recorded in the audit log. Handlers push into it. */
  touched: string[];
}

export type OperationHandler = (call: OperationCall) => Xml | Promise<Xml>;

/** Operations a service serves whose body elements are in another namespace than its own. */
export interface ForeignOperations {
  /** Prefix used in the access table for these operations ("wsnt" → "wsnt:Renew"). */
  readonly prefix: string;
  readonly namespace: string;
  readonly operations: Readonly<Record<string, OperationHandler>>;
}

export interface SoapService {
  /** Short name used in logs and the audit log ("device", "media2", …). */
  readonly name: string;
  /** Prefix of the service namespace in ns.ts and in the access table ("tds", "tr2", …). */
  readonly prefix: string;
  readonly namespace: string;
  /** HTTP path the service is served on ("/onvif/device_service"). */
  readonly path: string;
  readonly version: { major: number; minor: number };
  readonly operations: Readonly<Record<string, OperationHandler>>;
  /**
   * Also served: every path starting with this prefix (per-resource endpoints such as event
   * subscriptions, `/onvif/event_service/subscriptions/<id>`). Handlers read the resource from ctx.url.
   */
  readonly pathPrefix?: string;
  /**
   * Operations defined in other namespaces that this service implements (the event service
   * serves WS-BaseNotification's wsnt:Subscribe, wsnt:Renew, wsnt:Unsubscribe).
   */
  readonly foreignOperations?: readonly ForeignOperations[];
  /** The service's tXX:Capabilities element (GetServiceCapabilities / GetServices IncludeCapability). */
  capabilities(ctx: RequestContext): Xml;
  /**
   * The service's section of the legacy tt:Capabilities (GetCapabilities), if it has one:
   * category is the tt:Capabilities child it fills ("Media", "Events", … or "Extension").
   */
  legacyCapabilities?(baseUrl: string): { category: string; xml: Xml } | undefined;
}
