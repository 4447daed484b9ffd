'use strict';
// A client of the Lambda Runtime API, version 2018-06-01 ("Using the Lambda runtime API for
// custom runtimes", Lambda developer guide), over one keep-alive connection (node:http never
// uses a proxy, so http_proxy meant for the handler cannot capture it).
//
// What it does when the API misbehaves, as the project's C++ loop does (docs/runtime-api.md):
// - any 5xx ("Container error. Non-recoverable state. Runtime should exit promptly."): exit 1;
// - GET next unreachable, refused with a 4xx, or a 200 without a request id: log, wait 100 ms,
//   ask again; after 3 such failures in a row, exit 1;
// - a POST refused with a 4xx (400 for an id that is not in progress, 413 for a response over
//   6 MB): log it and go on, Lambda fails the invocation itself;
// - a POST that cannot be sent: exit 1.
// A request on a kept-alive connection that the API closed meanwhile is sent again once. The
// report of an error the process exits for goes over a connection of its own (postFatalError).
// Runtime messages go to stderr, which the emulator also shows as the function's log.

const http = require('node:http');

const kBase = '/2018-06-01/runtime';
const kJson = { 'Content-Type': 'application/json' };
const kNextRetries = 3;
const kNextRetryDelayMs = 100;

function complain(message) {
  process.stderr.write(`nodejs runtime: ${message}\n`);
}

class RuntimeApiClient {
  // address: AWS_LAMBDA_RUNTIME_API, "host:port" ("[::1]:port" for IPv6).
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(address.slice(colon + 1));
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.nextOptions = this.options('GET', `${kBase}/invocation/next`);
    this.nextFailures = 0;
  }

  options(method, path, headers, agent = this.agent) {
    return { host: this.host, port: this.port, method, path, headers, agent };
  }

  // Calls done(error, status, headers, body) once; body is the response text.
  send(options, body, done, retried = false) {
    let finished = false;
    const finish = (...args) => {
      if (!finished) {
        finished = true;
        done(...args);
      }
    };
    const request = http.request(options, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => finish(null, response.statusCode, response.headers, text));
      response.on('error', finish);
    });
    request.on('error', (error) => {
      if (!retried && request.reusedSocket && error.code === 'ECONNRESET') {
        finished = true;
        this.send(options, body, done, true);
      } else {
        finish(error);
      }
    });
    request.end(body);
  }

  // Long-polls for the next event: onEvent(requestId, headers, body), headers in lower case.
  next(onEvent) {
    this.send(this.nextOptions, undefined, (error, status, headers, body) => {
      let problem;
      if (error) problem = `GET next failed: ${error.message}`;
      else if (status >= 500) exitOn(`GET next answered ${status}: ${body}`);
      else if (status !== 200) problem = `GET next answered ${status}: ${body}`;
      else if (!headers['lambda-runtime-aws-request-id']) problem = 'GET next gave no request id';
      if (problem === undefined) {
        this.nextFailures = 0;
        return onEvent(headers['lambda-runtime-aws-request-id'], headers, body);
      }
      complain(problem);
      if (++this.nextFailures >= kNextRetries) exitOn(`${kNextRetries} failures in a row`);
      setTimeout(() => this.next(onEvent), kNextRetryDelayMs);
    });
  }

  // body: a string or Buffer, sent as it is.
  postResponse(requestId, body, done, contentType = 'application/json') {
    const headers = contentType === 'application/json' ? kJson : { 'Content-Type': contentType };
    this.post(`${kBase}/invocation/${encodeURIComponent(requestId)}/response`, body, headers, done);
  }

  // payload: {errorType, errorMessage, trace}; the type also goes in the
  // Lambda-Runtime-Function-Error-Type header.
  postError(requestId, payload, done) {
    const path = `${kBase}/invocation/${encodeURIComponent(requestId)}/error`;
    this.post(path, JSON.stringify(payload), errorHeaders(payload), done);
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
    const options = this.options('POST', path, errorHeaders(payload), false);
    this.send(options, JSON.stringify(payload), (error, status, _headers, text) => {
      if (error) complain(`POST ${path} failed: ${error.message}`);
      else if (status >= 400) complain(`POST ${path} answered ${status}: ${text}`);
      done();
    });
  }

  // done() runs after the API has answered (any 4xx logged); failures that leave nothing to do
  // but exit, exit here.
  post(path, body, headers, done) {
    this.send(this.options('POST', path, headers), body, (error, status, _headers, text) => {
      if (error) exitOn(`POST ${path} failed: ${error.message}`);
      if (status >= 500) exitOn(`POST ${path} answered ${status}: ${text}`);
      if (status >= 400) complain(`POST ${path} answered ${status}: ${text}`);
      done();
    });
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
