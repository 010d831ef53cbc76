/**
 * The XML-RPC subset SAMP's Standard Profile uses (IVOA SAMP 1.3 §4.3): strings, lists and maps, plus the
 * int/boolean/double/nil values other implementations send. Our own small codec: input comes from other local
 * processes, so the parser is bounded (size, depth, element count) and throws `XmlRpcError` on anything else.
 */

export type SampValue = string | SampValue[] | { [key: string]: SampValue };

export class XmlRpcError extends Error {
  constructor(
    message: string,
    readonly faultCode = 1,
  ) {
    super(message);
    this.name = 'XmlRpcError';
  }
}

/** Requests and responses larger than this are refused (a SAMP message is a few kB). */
export const MAX_XMLRPC_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_NODES = 200_000;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function encodeValue(v: SampValue | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '<value><string></string></value>';
  // SAMP carries every scalar as a string (SAMP 1.3 §3.3); numbers and booleans become their SAMP spelling.
  if (typeof v === 'number') return `<value><string>${String(v)}</string></value>`;
  if (typeof v === 'boolean') return `<value><string>${v ? '1' : '0'}</string></value>`;
  if (typeof v === 'string') return `<value><string>${escapeXml(v)}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeXml(k)}</name>${encodeValue(x)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

export function encodeCall(method: string, params: readonly SampValue[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>${params
    .map((p) => `<param>${encodeValue(p)}</param>`)
    .join('')}</params></methodCall>\n`;
}

export function encodeResponse(value: SampValue): string {
  return `<?xml version="1.0"?>\n<methodResponse><params><param>${encodeValue(value)}</param></params></methodResponse>\n`;
}

export function encodeFault(code: number, message: string): string {
  return `<?xml version="1.0"?>\n<methodResponse><fault>${encodeValue({
    faultCode: String(code),
    faultString: message,
  }).replace(/<string>(\d+)<\/string>/, '<int>$1</int>')}</fault></methodResponse>\n`;
}

interface Node {
  name: string;
  children: Node[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] !== '#') return ENTITIES[e];
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** A minimal XML tree: elements and text; the prologue, comments and processing instructions are skipped. */
function parseXml(xml: string): Node {
  if (xml.length > MAX_XMLRPC_BYTES) throw new XmlRpcError(`XML-RPC body over ${MAX_XMLRPC_BYTES} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlRpcError('XML-RPC with a DOCTYPE is refused');
  const root: Node = { name: '#root', children: [], text: '' };
  const stack: Node[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>|<\?[^]*?\?>|<!--[^]*?-->|<!\[CDATA\[([^]*?)\]\]>/g;
  let last = 0;
  let nodes = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const top = stack[stack.length - 1];
    top.text += decodeEntities(xml.slice(last, m.index));
    last = tag.lastIndex;
    if (m[4] !== undefined) {
      top.text += m[4];
      continue;
    }
    if (!m[2]) continue;
    if (m[1]) {
      if (top.name !== m[2]) throw new XmlRpcError(`XML-RPC: </${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    if (++nodes > MAX_NODES) throw new XmlRpcError('XML-RPC: too many elements');
    const node: Node = { name: m[2], children: [], text: '' };
    top.children.push(node);
    if (!m[3]) {
      stack.push(node);
      if (stack.length > MAX_DEPTH * 4) throw new XmlRpcError('XML-RPC: nested too deeply');
    }
  }
  if (stack.length !== 1) throw new XmlRpcError(`XML-RPC: <${stack[stack.length - 1].name}> is not closed`);
  return root;
}

const child = (n: Node, name: string): Node => {
  const c = n.children.find((x) => x.name === name);
  if (!c) throw new XmlRpcError(`XML-RPC: <${n.name}> has no <${name}>`);
  return c;
};

function decodeValue(v: Node, depth = 0): SampValue {
  if (depth > MAX_DEPTH) throw new XmlRpcError('XML-RPC: value nested too deeply');
  const typed = v.children[0];
  if (!typed) return v.text;
  switch (typed.name) {
    case 'string':
    case 'int':
    case 'i4':
    case 'i8':
    case 'double':
    case 'dateTime.iso8601':
    case 'base64':
      return typed.text;
    case 'boolean':
      return typed.text.trim() === '1' ? '1' : '0';
    case 'nil':
      return '';
    case 'array':
      return child(typed, 'data')
        .children.filter((c) => c.name === 'value')
        .map((c) => decodeValue(c, depth + 1));
    case 'struct': {
      const out: Record<string, SampValue> = {};
      // defineProperty, so a member named __proto__ is a plain key, never the prototype.
      for (const m of typed.children.filter((c) => c.name === 'member'))
        Object.defineProperty(out, child(m, 'name').text, {
          value: decodeValue(child(m, 'value'), depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    default:
      throw new XmlRpcError(`XML-RPC: unknown value type <${typed.name}>`);
  }
}

export function decodeCall(xml: string): { method: string; params: SampValue[] } {
  const call = child(parseXml(xml), 'methodCall');
  const method = child(call, 'methodName').text.trim();
  const params = call.children.find((c) => c.name === 'params');
  return {
    method,
    params: (params?.children ?? []).filter((p) => p.name === 'param').map((p) => decodeValue(child(p, 'value'))),
  };
}

/** The response's value, or an `XmlRpcError` carrying the fault. */
export function decodeResponse(xml: string): SampValue {
  const resp = child(parseXml(xml), 'methodResponse');
  const fault = resp.children.find((c) => c.name === 'fault');
  if (fault) {
    const f = decodeValue(child(fault, 'value')) as Record<string, SampValue>;
    throw new XmlRpcError(String(f.faultString ?? 'XML-RPC fault'), Number(f.faultCode) || 1);
  }
  const param = child(child(resp, 'params'), 'param');
  return decodeValue(child(param, 'value'));
}
