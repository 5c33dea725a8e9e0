// The backend "pods" of the traffic harness. No dependencies.
//   node backend.mjs ADDRESS:PORT [ADDRESS:PORT...]
// Each ADDRESS is a pod address the harness put on the network namespace's loopback and listed in
// an EndpointSlice; every answer names the address:port it was reached on, so a check knows the
// proxy used the EndpointSlice (and which endpoint).
// HTTP:  GET /slow?s=N          200 after N seconds (headers and body together)
//        GET /drip?s=N&every=M  200 at once, then a line every M seconds until N seconds
//        POST /upload           reads the whole body, then 200 "got N bytes"
//        anything else          200 "ok ADDRESS:PORT PATH"
// WebSocket (any path, RFC 6455): echoes text frames; "who" is answered with "pod ADDRESS:PORT";
// answers pings; never sends on its own, except ?close=N: the backend closes after N seconds.
// One line per event on stdout: "<iso time> <address:port> <event>".
import http from 'node:http';
import crypto from 'node:crypto';

const log = (at, msg) => console.log(`${new Date().toISOString()} ${at} ${msg}`);

export function frame(opcode, payload) {
  const len = payload.length;
  let head;
  if (len < 126) head = Buffer.from([0x80 | opcode, len]);
  else if (len < 65536) { head = Buffer.alloc(4); head[0] = 0x80 | opcode; head[1] = 126; head.writeUInt16BE(len, 2); }
  else { head = Buffer.alloc(10); head[0] = 0x80 | opcode; head[1] = 127; head.writeBigUInt64BE(BigInt(len), 2); }
  return Buffer.concat([head, payload]);
}

function onFrames(sock, cb) {
  let buf = Buffer.alloc(0);
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f, masked = buf[1] & 0x80;
      let len = buf[1] & 0x7f, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      const mlen = masked ? 4 : 0;
      if (buf.length < off + mlen + len) return;
      let payload = buf.subarray(off + mlen, off + mlen + len);
      if (masked) { const m = buf.subarray(off, off + 4); payload = Buffer.from(payload.map((b, i) => b ^ m[i % 4])); }
      buf = buf.subarray(off + mlen + len);
      cb(opcode, payload);
    }
  });
}

for (const spec of process.argv.slice(2)) {
  const i = spec.lastIndexOf(':');
  const address = spec.slice(0, i), port = Number(spec.slice(i + 1));
  const at = `${address}:${port}`;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const t0 = Date.now();
    log(at, `HTTP ${req.method} ${req.url} host=${req.headers.host}`);
    res.setHeader('x-pod', at);
    if (u.pathname.endsWith('/slow')) {
      const s = Number(u.searchParams.get('s') || 5);
      setTimeout(() => { if (!res.destroyed) res.end(`slept ${s} ${at}\n`); }, s * 1000);
    } else if (u.pathname.endsWith('/upload')) {
      let n = 0;
      req.on('data', (d) => { n += d.length; });
      req.on('end', () => res.end(`got ${n} bytes after ${((Date.now() - t0) / 1000).toFixed(1)}s ${at}\n`));
    } else if (u.pathname.endsWith('/drip')) {
      const s = Number(u.searchParams.get('s') || 10), every = Number(u.searchParams.get('every') || 1);
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const iv = setInterval(() => {
        if (res.destroyed) return clearInterval(iv);
        n += every; res.write(`t=${n}\n`);
        if (n >= s) { clearInterval(iv); res.end(`done ${at}\n`); }
      }, every * 1000);
    } else {
      res.end(`ok ${at} ${u.pathname}\n`);
    }
  });
  server.keepAliveTimeout = 120_000; // longer than any proxy timeout under test
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;
  server.on('upgrade', (req, sock) => {
    const key = req.headers['sec-websocket-key'];
    if (!key || (req.headers.upgrade || '').toLowerCase() !== 'websocket') { sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'); return; }
    const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nx-pod: ${at}\r\n\r\n`);
    const t0 = Date.now();
    log(at, `WS open ${req.url} host=${req.headers.host}`);
    sock.setNoDelay(true);
    const closeAfter = Number(new URL(req.url, 'http://x').searchParams.get('close') || 0);
    if (closeAfter > 0) setTimeout(() => sock.destroy(), closeAfter * 1000);
    onFrames(sock, (op, payload) => {
      if (op === 0x1) {
        const text = String(payload);
        sock.write(frame(0x1, Buffer.from(text === 'who' ? `pod ${at}` : text)));
      } else if (op === 0x9) sock.write(frame(0xa, payload));
      else if (op === 0x8) { sock.write(frame(0x8, Buffer.alloc(0))); sock.end(); }
    });
    sock.on('close', () => log(at, `WS ${req.url} closed after ${((Date.now() - t0) / 1000).toFixed(1)}s`));
    sock.on('error', () => {});
  });
  server.listen(port, address, () => log(at, 'listening'));
}
