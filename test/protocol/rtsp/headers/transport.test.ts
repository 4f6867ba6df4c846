import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  isTcpTransport,
  parseTransport,
  parseTransports,
  serializeTransport,
  serializeTransports,
  type TransportSpec,
} from '../../../../src/protocol/rtsp/headers/transport.js';
import { onlyParseErrors, throwsCode } from '../helpers.js';

void describe('Transport header', () => {
  void it('parses the RFC 2326 §12.39 example (two specs, quoted mode)', () => {
    const specs = parseTransports('RTP/AVP;multicast;ttl=127;mode="PLAY",\r\n RTP/AVP;unicast;client_port=3456-3457;mode="PLAY"'.replace('\r\n', ''));
    assert.deepEqual(specs, [
      { profile: 'RTP/AVP', delivery: 'multicast', ttl: 127, mode: ['PLAY'] },
      { profile: 'RTP/AVP', delivery: 'unicast', clientPort: { start: 3456, end: 3457 }, mode: ['PLAY'] },
    ]);
  });

  void it('parses the ONVIF SETUP examples, including a folded response value', () => {
    assert.deepEqual(parseTransport('RTP/AVP;unicast;client_port=8002-8003; server_port=9004-9005'), {
      profile: 'RTP/AVP',
      delivery: 'unicast',
      clientPort: { start: 8002, end: 8003 },
      serverPort: { start: 9004, end: 9005 },
    });
    const multicast = 'RTP/AVP;multicast;destination=224.2.1.1;port=60000-60001;ttl=128;mode="PLAY"';
    assert.deepEqual(parseTransport(multicast), {
      profile: 'RTP/AVP',
      delivery: 'multicast',
      destination: '224.2.1.1',
      port: { start: 60000, end: 60001 },
      ttl: 128,
      mode: ['PLAY'],
    });
    assert.equal(serializeTransport(parseTransport(multicast)), multicast);
  });

  void it('parses interleaved TCP, explicit UDP, SAVP, ssrc, source, append and unquoted modes', () => {
    const tcp = parseTransport('RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=0A1b2C3d;mode=play');
    assert.deepEqual(tcp, {
      profile: 'RTP/AVP',
      lowerTransport: 'TCP',
      delivery: 'unicast',
      interleaved: { start: 0, end: 1 },
      ssrc: 0x0a1b2c3d,
      mode: ['PLAY'],
    });
    assert.ok(isTcpTransport(tcp));
    assert.equal(serializeTransport(tcp), 'RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=0A1B2C3D;mode="PLAY"');
    assert.deepEqual(parseTransport('rtp/avp/udp;unicast;source=10.0.0.1;client_port=5000;append'), {
      profile: 'RTP/AVP',
      lowerTransport: 'UDP',
      delivery: 'unicast',
      source: '10.0.0.1',
      clientPort: { start: 5000 },
      append: true,
    });
    assert.deepEqual(parseTransport('RTP/SAVP;unicast;client_port=4588-4589;mode="PLAY,RECORD"').mode, ['PLAY', 'RECORD']);
    assert.equal(parseTransport('RTP/AVP;unicast;ssrc=1').ssrc, 1);
  });

  void it('keeps unknown parameters in order and echoes them', () => {
    const text = 'RTP/AVP;unicast;client_port=1-2;x-dynamic-rate=1;x-flag;x-q="a;b,c"';
    const spec = parseTransport(text);
    assert.deepEqual(spec.extensions, [
      { name: 'x-dynamic-rate', value: '1' },
      { name: 'x-flag' },
      { name: 'x-q', value: '"a;b,c"' },
    ]);
    assert.equal(serializeTransport(spec), text);
  });

  void it('skips unsupported specs and answers UNSUPPORTED_TRANSPORT when none is left', () => {
    const specs = parseTransports('RTP/AVPF;unicast;client_port=1-2, MP2T/H2221/UDP;unicast, RTP/AVP/TCP;interleaved=2-3');
    assert.deepEqual(specs, [{ profile: 'RTP/AVP', lowerTransport: 'TCP', interleaved: { start: 2, end: 3 } }]);
    throwsCode(() => parseTransports('RTP/AVP/SCTP;unicast'), 'UNSUPPORTED_TRANSPORT');
    throwsCode(() => parseTransports('RAW/RAW/UDP;unicast'), 'UNSUPPORTED_TRANSPORT');
  });

  void it('rejects malformed specs with BAD_TRANSPORT', () => {
    const bad = [
      '',
      ' ',
      'RTP/AVP,',
      'RTP',
      'RTP/AVP/UDP/X',
      'RTP/AVP;unicast;multicast',
      'RTP/AVP;unicast;unicast',
      'RTP/AVP;client_port=1-2;client_port=3-4',
      'RTP/AVP;client_port=70000',
      'RTP/AVP;client_port=1-',
      'RTP/AVP;client_port=-1',
      'RTP/AVP;client_port',
      'RTP/AVP;client_port=a-b',
      'RTP/AVP/TCP;interleaved=0-256',
      'RTP/AVP;ttl=256',
      'RTP/AVP;ssrc=123456789',
      'RTP/AVP;ssrc=xyz',
      'RTP/AVP;unicast=1',
      'RTP/AVP;mode="PLAY',
      'RTP/AVP;mode=',
      'RTP/AVP;destination="a b"',
      'RTP/AVP;x y=1',
      'RTP/AVP;x=a"b',
    ];
    for (const text of bad) throwsCode(() => parseTransports(text), 'BAD_TRANSPORT');
    throwsCode(() => parseTransport('RTP/AVP;unicast,RTP/AVP/TCP'), 'BAD_TRANSPORT');
  });

  void it('refuses to serialize values that do not fit', () => {
    assert.throws(() => serializeTransport({ profile: 'RTP/AVP', clientPort: { start: 70000 } }), RangeError);
    assert.throws(() => serializeTransport({ profile: 'RTP/AVP', destination: 'a;b' }), TypeError);
    assert.throws(() => serializeTransport({ profile: 'RTP/AVP', extensions: [{ name: 'x', value: 'a,b' }] }), TypeError);
    assert.throws(() => serializeTransport({ profile: 'RTP/AVP', mode: [] }), TypeError);
  });

  const range = (max: number) =>
    fc.record({ start: fc.integer({ min: 0, max }), end: fc.option(fc.integer({ min: 0, max }), { nil: undefined }) }).map((r) => {
      const out: { start: number; end?: number } = { start: r.start };
      if (r.end !== undefined) out.end = r.end;
      return out;
    });
  const specArb: fc.Arbitrary<TransportSpec> = fc
    .record(
      {
        profile: fc.constantFrom('RTP/AVP' as const, 'RTP/SAVP' as const),
        lowerTransport: fc.constantFrom('UDP' as const, 'TCP' as const),
        delivery: fc.constantFrom('unicast' as const, 'multicast' as const),
        destination: fc.stringMatching(/^[a-z0-9.:]{1,20}$/),
        source: fc.stringMatching(/^[a-z0-9.:]{1,20}$/),
        interleaved: range(255),
        append: fc.constant(true),
        ttl: fc.integer({ min: 0, max: 255 }),
        layers: fc.integer({ min: 0, max: 0xffff }),
        port: range(0xffff),
        clientPort: range(0xffff),
        serverPort: range(0xffff),
        ssrc: fc.integer({ min: 0, max: 0xffffffff }),
        mode: fc.array(fc.constantFrom('PLAY', 'RECORD'), { minLength: 1, maxLength: 2 }),
        extensions: fc.array(
          fc.record(
            { name: fc.stringMatching(/^x-[a-z]{1,8}$/), value: fc.stringMatching(/^([a-z0-9]{0,8}|"[a-z ,;]{0,8}")$/) },
            { requiredKeys: ['name'] },
          ).map((e) => ({ ...e })),
          { minLength: 1, maxLength: 3 },
        ),
      },
      { requiredKeys: ['profile'] },
    )
    .map((spec) => ({ ...spec }));

  void it('round-trips generated specs (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(specArb, { minLength: 1, maxLength: 3 }), (specs) => {
        assert.deepEqual(parseTransports(serializeTransports(specs)), specs);
      }),
      { numRuns: 300 },
    );
  });

  void it('throws only RtspParseError on arbitrary text, and re-parses its own output (fuzz)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc
        .array(fc.constantFrom('RTP/AVP', '/TCP', ';', ',', '=', '"', 'unicast', 'client_port', 'interleaved', '0-1', 'mode', 'ssrc', 'FF', ' ', 'x'), {
          maxLength: 20,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (value) => {
        onlyParseErrors(() => {
          const specs = parseTransports(value);
          assert.deepEqual(parseTransports(serializeTransports(specs)), specs);
        });
      }),
      { numRuns: 500 },
    );
  });
});
