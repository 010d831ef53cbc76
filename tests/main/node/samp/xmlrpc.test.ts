// The XML-RPC codec under SAMP: values round-trip; hostile bodies (unbalanced tags, DOCTYPE/entities, deep
// nesting, a __proto__ member) become XmlRpcErrors or plain keys, never crashes or prototype changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeCall,
  decodeResponse,
  encodeCall,
  encodeFault,
  encodeResponse,
  XmlRpcError,
} from '../../../../src-main/node/samp/xmlrpc.js';

describe('XML-RPC codec', () => {
  it('round-trips strings with markup, lists and maps', () => {
    const params = [
      'a <b> & "c"',
      ['x', ['y']],
      { 'samp.mtype': 'table.load.votable', 'samp.params': { url: 'file:///t' } },
    ];
    assert.deepEqual(decodeCall(encodeCall('samp.hub.notify', params)), { method: 'samp.hub.notify', params });
    assert.deepEqual(decodeResponse(encodeResponse({ k: ['v'] })), { k: ['v'] });
  });

  it('reads untyped, int, boolean and nil values as SAMP strings, and faults as errors', () => {
    const xml =
      '<?xml version="1.0"?><methodResponse><params><param><value><array><data><value>plain</value>' +
      '<value><int>42</int></value><value><boolean>1</boolean></value><value><nil/></value>' +
      '<value><string>&#x263A;&amp;</string></value></data></array></value></param></params></methodResponse>';
    assert.deepEqual(decodeResponse(xml), ['plain', '42', '1', '', '☺&']);
    assert.throws(
      () => decodeResponse(encodeFault(7, 'no such client')),
      (e: unknown) => {
        assert.ok(e instanceof XmlRpcError);
        assert.equal(e.faultCode, 7);
        assert.equal(e.message, 'no such client');
        return true;
      },
    );
  });

  it('refuses hostile bodies with XmlRpcError', () => {
    const bad = [
      '<methodCall><methodName>x</methodName><params>',
      '<methodCall><methodName>x</methodName></params></methodCall>',
      '<!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>',
      `<methodCall><methodName>x</methodName><params><param>${'<value><array><data>'.repeat(100)}</param></params></methodCall>`,
      'not xml at all',
      `<methodCall>${'x'.repeat(5 * 1024 * 1024)}</methodCall>`,
    ];
    for (const b of bad) assert.throws(() => decodeCall(b), XmlRpcError, b.slice(0, 60));
  });

  it('keeps a __proto__ member as a plain key', () => {
    const xml =
      '<methodCall><methodName>m</methodName><params><param><value><struct><member><name>__proto__</name>' +
      '<value><struct><member><name>polluted</name><value>yes</value></member></struct></value></member>' +
      '</struct></value></param></params></methodCall>';
    const { params } = decodeCall(xml);
    const m = params[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(m), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
  });
});
