/** SOAP 1.2 fault bodies built from the error table (core/errors.ts). */
import { ERROR_TABLE, type VigilError } from '../core/errors.js';
import { el, type Xml } from '../xml/write.js';

function subcodeChain(subcodes: readonly string[]): Xml | undefined {
  let inner: Xml | undefined;
  for (let i = subcodes.length - 1; i >= 0; i--) {
    inner = el('env:Subcode', [el('env:Value', subcodes[i]), inner]);
  }
  return inner;
}

export function faultBody(err: VigilError): Xml {
  const m = ERROR_TABLE[err.code];
  return el('env:Fault', [
    el('env:Code', [el('env:Value', m.soapCode), subcodeChain(m.subcodes)]),
    el('env:Reason', el('env:Text', err.message, { 'xml:lang': 'en' })),
    err.detailXml !== undefined
      ? el('env:Detail', err.detailXml)
      : err.detail !== undefined
        ? el('env:Detail', el('env:Text', err.detail))
        : undefined,
  ]);
}

/** SOAP 1.2 HTTP binding: Sender faults are 400, everything else 500 (unless the table says otherwise). */
export function faultHttpStatus(err: VigilError): number {
  return ERROR_TABLE[err.code].httpStatus;
}
