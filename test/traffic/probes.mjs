// HTTP and WebSocket clients of the traffic checks. No dependencies. Every probe opens its own
// connection (no agent, no keep-alive) to an address inside the harness's network namespace, with
// the Host header (and TLS SNI) of the route under test; certificates are not verified.
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';

const now = () => performance.now() / 1000;
const round = (s) => Number(s.toFixed(2));

/**
 * One HTTP request. `to` = { address, port, tls }. Returns { status, seconds, body, pod, error }.
 * `upload` = { bytes, chunk, everySeconds }: the body is sent in chunks, slowly.
 */
export function httpProbe({ to, host, path, method = 'GET', upload, deadlineSeconds = 30, fullBody = false }) {
  return new Promise((resolve) => {
    const t0 = now();
    let done = false;
    const finish = (o) => { if (!done) { done = true; clearTimeout(timer); resolve({ seconds: round(now() - t0), ...o }); } };
    const req = (to.tls ? https : http).request({
      host: to.address, port: to.port, path, method, agent: false,
      servername: to.tls ? host : undefined, rejectUnauthorized: false,
      headers: { Host: host, ...(upload ? { 'content-length': String(upload.bytes) } : {}) },
    });
    const timer = setTimeout(() => { req.destroy(); finish({ error: `no answer within ${deadlineSeconds}s` }); }, deadlineSeconds * 1000);
    req.on('response', (res) => {
      let body = '';
      const headersAt = round(now() - t0);
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => finish({ status: res.statusCode, headersAt, body: fullBody ? body : body.slice(0, 200), pod: res.headers['x-pod'] }));
      res.on('error', (e) => finish({ status: res.statusCode, headersAt, body: body.slice(0, 200), error: `response cut: ${e.message}` }));
      res.on('aborted', () => finish({ status: res.statusCode, headersAt, body: body.slice(0, 200), error: 'response aborted' }));
    });
    req.on('error', (e) => finish({ error: e.message }));
    if (!upload) { req.end(); return; }
    let sent = 0;
    const iv = setInterval(() => {
      if (done || req.destroyed) { clearInterval(iv); return; }
      const n = Math.min(upload.chunk, upload.bytes - sent);
      req.write(Buffer.alloc(n, 0x61));
      sent += n;
      if (sent >= upload.bytes) { clearInterval(iv); req.end(); }
    }, upload.everySeconds * 1000);
  });
}

function maskedText(text) {
  const payload = Buffer.from(text), mask = crypto.randomBytes(4);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))]);
}

/**
 * Opens a WebSocket and returns a handle: { opened, pod, send(text), expectEcho(text, seconds),
 * closedAt (seconds since open, or undefined), close() }, or { failed } when the upgrade fails.
 * Right after the upgrade it asks the backend "who" to learn the pod it reached.
 */
export function wsOpen({ to, host, path }) {
  return new Promise((resolve) => {
    const t0 = now();
    const req = (to.tls ? https : http).request({
      host: to.address, port: to.port, path, method: 'GET', agent: false,
      servername: to.tls ? host : undefined, rejectUnauthorized: false,
      headers: { Host: host, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64') },
    });
    const timer = setTimeout(() => { req.destroy(); resolve({ failed: 'no upgrade within 10s' }); }, 10_000);
    req.on('response', (res) => { clearTimeout(timer); res.resume(); resolve({ failed: `HTTP ${res.statusCode} instead of 101` }); });
    req.on('error', (e) => { clearTimeout(timer); resolve({ failed: e.message }); });
    req.on('upgrade', (res, sock) => {
      clearTimeout(timer);
      const opened = now();
      let text = '';
      const waiters = [];
      const h = {
        opened: round(opened - t0),
        closedAt: undefined,
        send: (t) => { if (h.closedAt === undefined) sock.write(maskedText(t), () => {}); },
        // Sends `t`; resolves true when `reply` (default: `t` itself) arrives within `seconds`,
        // false otherwise or on close. Only text received after the send counts.
        expectEcho: (t, seconds = 3, reply = t) => new Promise((r) => {
          const w = { t: reply, from: text.length, r, timer: setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); r(false); }, seconds * 1000) };
          waiters.push(w);
          h.send(t);
        }),
        sinceOpen: () => round(now() - opened),
        close: () => sock.destroy(),
      };
      sock.on('data', (d) => {
        text += d.toString('latin1');
        for (const w of [...waiters]) {
          if (text.indexOf(w.t, w.from) >= 0) { clearTimeout(w.timer); waiters.splice(waiters.indexOf(w), 1); w.r(true); }
        }
        const m = /pod (\d+\.\d+\.\d+\.\d+:\d+)/.exec(text);
        if (m) h.pod = m[1];
      });
      const closed = () => {
        if (h.closedAt !== undefined) return;
        h.closedAt = round(now() - opened);
        for (const w of waiters.splice(0)) { clearTimeout(w.timer); w.r(false); }
      };
      sock.on('close', closed);
      sock.on('end', closed);
      sock.on('error', () => {});
      h.expectEcho('who', 3, 'pod ').then(() => resolve(h));
    });
    req.end();
  });
}

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * A WebSocket that stays quiet for `idle` seconds (or sends "hb" every `heartbeat` seconds), then
 * sends "ping" and waits 3 s for the echo.
 * Returns { result: 'survived' | 'closed' | 'no-echo' | 'failed', closedAt, pod, ... }.
 */
export async function wsIdleProbe({ to, host, path, idle, heartbeat = 0 }) {
  const h = await wsOpen({ to, host, path });
  if (h.failed) return { result: 'failed', error: h.failed };
  const iv = heartbeat > 0 ? setInterval(() => h.send('hb'), heartbeat * 1000) : undefined;
  const deadline = now() + idle;
  while (now() < deadline && h.closedAt === undefined) await sleep(0.05);
  if (iv) clearInterval(iv);
  if (h.closedAt !== undefined) return { result: 'closed', closedAt: h.closedAt, pod: h.pod };
  const echoed = await h.expectEcho('ping', 3);
  const out = echoed ? { result: 'survived', echoAt: h.sinceOpen(), pod: h.pod } : h.closedAt !== undefined
    ? { result: 'closed', closedAt: h.closedAt, pod: h.pod } : { result: 'no-echo', pod: h.pod };
  h.close();
  return out;
}
