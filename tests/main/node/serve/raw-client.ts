/**
 * Raw HTTP and WebSocket clients for the hostile-input tests: they send what well-behaved libraries refuse
 * to (a Host of our choosing, frames with RSV bits set, lengths past maxPayload, truncated bodies).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

/** One HTTP request with chosen method, path, headers and body; never rejects on a reset (status 0). */
export function httpRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
        );
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '', headers: {} }));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** Bytes written as they are on a fresh TCP connection; resolves with whatever comes back until close. */
export function rawExchange(port: number, bytes: Buffer | string, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (): void => {
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(bytes);
  });
}

/** Opens a WebSocket by hand (handshake on a plain socket) and returns the socket after the 101. */
export function rawWebSocket(port: number, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    socket.on('error', reject);
    socket.on('data', function onData(d: Buffer) {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.length) socket.unshift(rest);
      resolve(socket);
    });
    socket.write(
      `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/**
 * A client frame (masked, as RFC 6455 §5.3 requires): `firstByte` holds FIN, RSV1-3 and the opcode;
 * `declaredLength` may exceed the payload actually sent (a length past maxPayload needs no payload).
 */
export function clientFrame(firstByte: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = randomBytes(4);
  let header: Buffer;
  if (declaredLength < 126) header = Buffer.from([firstByte, 0x80 | declaredLength]);
  else if (declaredLength < 65536) {
    header = Buffer.alloc(4);
    header[0] = firstByte;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(declaredLength, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = firstByte;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(declaredLength), 2);
  }
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, masked]);
}

/**
 * The status code of the first close frame among server frames (unmasked) at the start of `buffer`:
 * a number, `null` for a close frame without a code, or `undefined` when no whole close frame is there.
 */
export function closeCodeIn(buffer: Buffer): number | null | undefined {
  let at = 0;
  while (at + 2 <= buffer.length) {
    const opcode = buffer[at] & 0x0f;
    let length = buffer[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > buffer.length) return undefined;
      length = buffer.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > buffer.length) return undefined;
      length = Number(buffer.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > buffer.length) return undefined;
    if (opcode === 8) return length >= 2 ? buffer.readUInt16BE(start) : null;
    at = start + length;
  }
  return undefined;
}

/** Waits for the server's close frame on a raw socket and returns its status code (or null if the socket just ended). */
export function closeCodeOf(socket: Socket, timeoutMs = 3000): Promise<number | null> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      const code = closeCodeIn(buffer);
      if (code !== undefined) finish(code);
    });
    socket.on('close', () => finish(null));
    socket.on('error', () => undefined);
  });
}
