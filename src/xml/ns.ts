/** XML namespaces used across the SOAP services, and the prefixes Vigil writes them with. */
export const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xml: 'http://www.w3.org/XML/1998/namespace',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  ter: 'http://www.onvif.org/ver10/error',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  tns1: 'http://www.onvif.org/ver10/topics',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wstop: 'http://docs.oasis-open.org/wsn/t-1',
  'wsrf-rw': 'http://docs.oasis-open.org/wsrf/rw-2',
  'wsrf-bf': 'http://docs.oasis-open.org/wsrf/bf-2',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  timg: 'http://www.onvif.org/ver20/imaging/wsdl',
  tan: 'http://www.onvif.org/ver20/analytics/wsdl',
  tmd: 'http://www.onvif.org/ver10/deviceIO/wsdl',
  trc: 'http://www.onvif.org/ver10/recording/wsdl',
  tse: 'http://www.onvif.org/ver10/search/wsdl',
  trp: 'http://www.onvif.org/ver10/replay/wsdl',
  tup: 'http://www.onvif.org/ver10/uplink/wsdl',
  d: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  wsa2004: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
} as const;

export type Prefix = keyof typeof NS;

/** `xmlns:p="…"` declarations for the given prefixes, for an envelope's root element. */
export function xmlnsDecls(prefixes: Iterable<Prefix>): string {
  let out = '';
  for (const p of prefixes) out += ` xmlns:${p}="${NS[p]}"`;
  return out;
}
