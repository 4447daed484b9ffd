'use strict';
// A client of the Lambda Runtime API, version 2018-06-01 ("Using the Lambda runtime API for
// custom runtimes", Lambda developer guide), over one keep-alive TCP connection with a small
// HTTP/1.1 client of its own: node:http's client (a ClientRequest, agent bookkeeping and two
// socket writes per call) was most of an environment's CPU per invocation (docs/performance.md).
// A result or error is sent together with the next GET, in one write (HTTP/1.1 pipelining, as the
// project's C++ loop does); the answers come back in order. No proxy is ever used, so an
// http_proxy meant for the handler cannot capture it.
//
// What it does when the API misbehaves, as the project's C++ loop does (docs/runtime-api.md):
// - any 5xx ("Container error. Non-recoverable state. Runtime should exit promptly."): exit 1;
// - GET next unreachable, refused with a 4xx, or a 200 without a request id: log, wait 100 ms,
//   ask again; after 3 such failures in a row, exit 1;
// - a POST refused with a 4xx (400 for an id that is not in progress, 413 for a response over
//   6 MB): log it and go on, Lambda fails the invocation itself;
// - a POST that cannot be sent: exit 1.
// Requests on a kept-alive connection that the API closed before answering any of them are sent
// again once, on a new connection. The report of an error the process exits for goes over a
// connection of its own (postFatalError). Runtime messages go to stderr, which the emulator also
// shows as the function's log.

const net = require('node:net');

const kBase = '/2018-06-01/runtime';
const kJson = { 'Content-Type': 'application/json' };
const kNextRetries = 3;
const kNextRetryDelayMs = 100;
const kHeaderEnd = Buffer.from('\r\n\r\n');

function complain(message) {
  process.stderr.write(`nodejs runtime: ${message}\n`);
}

// One HTTP/1.1 connection: requests are written as they come (several in one write when sent
// together) and their answers handed out in order. done(error, status, headers, body) once per
// request; header names in lower case, the body as text.
class Connection {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.socket = null;
    this.pending = []; // requests sent and not answered: {bytes, done}
    this.chunks = []; // bytes received and not parsed yet
    this.received = 0;
    this.answered = 0; // answers on the current socket
    this.head = null; // the answer being read: {status, headers, length}
  }

  // requests: [{method, path, headers, body, done}], written in one go.
  send(requests) {
    const parts = [];
    for (const r of requests) {
      const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
      const host = this.host.includes(':') ? `[${this.host}]` : this.host; // IPv6 in brackets
      let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}:${this.port}\r\n`;
      for (const [name, value] of Object.entries(r.headers || {})) head += `${name}: ${value}\r\n`;
      head += `Content-Length: ${body.length}\r\n\r\n`;
      const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
      this.pending.push({ bytes, done: r.done, retried: false });
      parts.push(bytes);
    }
    this.connect();
    this.socket.ref();
    this.socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  connect() {
    if (this.socket) return;
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.onClose(socket, error));
    socket.on('close', () => this.onClose(socket, new Error('the connection was closed')));
    this.socket = socket;
    this.answered = 0;
    this.chunks = [];
    this.received = 0;
    this.head = null;
  }

  onClose(socket, error) {
    if (socket !== this.socket) return;
    socket.destroy();
    this.socket = null;
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return;
    // Closed before answering anything sent on a connection that had served before: the API
    // dropped an idle connection; send the unanswered requests again once.
    const resend = this.answered > 0 && this.received === 0 && pending.every((p) => !p.retried);
    if (resend) {
      this.connect();
      for (const p of pending) this.pending.push({ ...p, retried: true });
      this.socket.write(Buffer.concat(pending.map((p) => p.bytes)));
      return;
    }
    for (const p of pending) p.done(error);
  }

  onData(chunk) {
    this.chunks.push(chunk);
    this.received += chunk.length;
    while (this.pending.length > 0 && this.parseOne());
  }

  // Parses one answer when all of it is here; false when more bytes are needed.
  parseOne() {
    if (!this.head) {
      const buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [buffer];
      const end = buffer.indexOf(kHeaderEnd);
      if (end < 0) return false;
      const lines = buffer.toString('latin1', 0, end).split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      const chunked = (headers['transfer-encoding'] || '').toLowerCase().includes('chunked');
      const length = chunked ? -1 : Number(headers['content-length'] || 0);
      this.head = { status, headers, length };
      const rest = buffer.subarray(end + kHeaderEnd.length);
      this.chunks = rest.length ? [rest] : [];
      this.received = rest.length;
    }
    let buffer;
    let body;
    let used;
    if (this.head.length < 0) {
      // Chunked (the emulator sends Content-Length; other servers, e.g. tests' fakes, may not).
      buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = buffer.length ? [buffer] : [];
      const parsed = parseChunked(buffer);
      if (parsed === false) {
        this.socket.destroy(new Error('the Runtime API sent a malformed chunked body'));
        return false;
      }
      if (!parsed) return false;
      [body, used] = parsed;
    } else {
      if (this.received < this.head.length) return false;
      buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      body = buffer.toString('utf8', 0, this.head.length);
      used = this.head.length;
    }
    const rest = buffer.subarray(used);
    this.chunks = rest.length ? [rest] : [];
    this.received = rest.length;
    const { status, headers } = this.head;
    this.head = null;
    this.answered += 1;
    const request = this.pending.shift();
    // An idle connection does not keep the process alive: while a handler runs, the event loop
    // must be able to empty (callbackWaitsForEmptyEventLoop, Runtime.NodeJsExit).
    if (this.pending.length === 0 && this.socket) this.socket.unref();
    request.done(null, status, headers, body);
    return true;
  }

}

// A chunked body at the start of `buffer`: [text, bytes used], null while incomplete, false when
// malformed.
function parseChunked(buffer) {
  const parts = [];
  let at = 0;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return null;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers, if any, end with an empty line.
      const end = buffer.indexOf('\r\n\r\n', at - 2, 'latin1');
      if (end < 0) return null;
      return [Buffer.concat(parts).toString('utf8'), end + 4];
    }
    if (Number.isNaN(size) || size < 0) return false;
    if (buffer.length < at + size + 2) return null;
    parts.push(buffer.subarray(at, at + size));
    at += size + 2;
  }
}

class RuntimeApiClient {
  // address: AWS_LAMBDA_RUNTIME_API, "host:port" ("[::1]:port" for IPv6).
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(address.slice(colon + 1));
    this.connection = new Connection(this.host, this.port);
    this.onEvent = null;
    this.nextFailures = 0;
  }

  // Long-polls for the next event: onEvent(requestId, headers, body), headers in lower case.
  // respond() and fail() ask for the next event themselves, with the same onEvent.
  next(onEvent) {
    this.onEvent = onEvent;
    this.connection.send([this.nextRequest()]);
  }

  nextRequest() {
    return {
      method: 'GET',
      path: `${kBase}/invocation/next`,
      done: (error, status, headers, body) => this.onNext(error, status, headers, body),
    };
  }

  onNext(error, status, headers, body) {
    let problem;
    if (error) problem = `GET next failed: ${error.message}`;
    else if (status >= 500) exitOn(`GET next answered ${status}: ${body}`);
    else if (status !== 200) problem = `GET next answered ${status}: ${body}`;
    else if (!headers['lambda-runtime-aws-request-id']) problem = 'GET next gave no request id';
    if (problem === undefined) {
      this.nextFailures = 0;
      return this.onEvent(headers['lambda-runtime-aws-request-id'], headers, body);
    }
    complain(problem);
    if (++this.nextFailures >= kNextRetries) exitOn(`${kNextRetries} failures in a row`);
    setTimeout(() => this.next(this.onEvent), kNextRetryDelayMs);
  }

  // Posts the invocation's result (a string or Buffer, sent as it is), then the next GET.
  respond(requestId, body, contentType = 'application/json') {
    const headers = contentType === 'application/json' ? kJson : { 'Content-Type': contentType };
    this.postThenNext(`${kBase}/invocation/${encodeURIComponent(requestId)}/response`, body, headers);
  }

  // Posts the invocation's error, {errorType, errorMessage, trace} (the type also goes in the
  // Lambda-Runtime-Function-Error-Type header), then the next GET.
  fail(requestId, payload) {
    const path = `${kBase}/invocation/${encodeURIComponent(requestId)}/error`;
    this.postThenNext(path, JSON.stringify(payload), errorHeaders(payload));
  }

  postThenNext(path, body, headers) {
    const post = {
      method: 'POST',
      path,
      headers,
      body,
      done: (error, status, _headers, text) => {
        if (error) exitOn(`POST ${path} failed: ${error.message}`);
        if (status >= 500) exitOn(`POST ${path} answered ${status}: ${text}`);
        if (status >= 400) complain(`POST ${path} answered ${status}: ${text}`);
      },
    };
    this.connection.send([post, this.nextRequest()]);
  }

  // Reports an error the process is about to exit for: to /init/error while requestId is null,
  // else as that invocation's error. It can come at any moment, a GET next waiting on the
  // kept-alive connection included, so it goes over a connection of its own. done() runs after
  // the API has answered or could not be reached.
  postFatalError(requestId, payload, done) {
    const path =
      requestId === null
        ? `${kBase}/init/error`
        : `${kBase}/invocation/${encodeURIComponent(requestId)}/error`;
    const own = new Connection(this.host, this.port);
    own.send([
      {
        method: 'POST',
        path,
        headers: errorHeaders(payload),
        body: JSON.stringify(payload),
        done: (error, status, _headers, text) => {
          if (error) complain(`POST ${path} failed: ${error.message}`);
          else if (status >= 400) complain(`POST ${path} answered ${status}: ${text}`);
          if (own.socket) own.socket.destroy();
          done();
        },
      },
    ]);
  }
}

// A header value must be visible ASCII; an errorType that is not keeps what is.
function errorHeaders(payload) {
  const type = String(payload.errorType).replace(/[^\x20-\x7e]/g, '');
  return { ...kJson, 'Lambda-Runtime-Function-Error-Type': type };
}

function exitOn(problem) {
  complain(`${problem}; exiting`);
  process.exit(1);
}

module.exports = { RuntimeApiClient };
