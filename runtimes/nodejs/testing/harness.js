'use strict';
// Test harness: a fake Lambda Runtime API (node:http on 127.0.0.1, port 0) that queues events
// and records what the runtime posts, and a launcher that runs the real bootstrap.js as a child
// process in a temporary task root holding the test's handler files. It lives outside test/
// because `node --test test/` runs every .js file under test/ as a test file.

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const kBootstrap = path.resolve(__dirname, '..', 'bootstrap.js');
const kNextPath = '/2018-06-01/runtime/invocation/next';
const kWaitMs = 5000;

class FakeRuntimeApi {
  constructor() {
    this.events = []; // events not yet handed out: {id, body, headers}
    this.pendingNext = []; // GET next requests waiting for an event
    this.posts = []; // {path, headers, body (string)}
    this.nextStatus = 200; // answer GET next with this status instead of an event when not 200
    this.waiters = [];
    this.server = http.createServer((request, response) => this.handle(request, response));
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${this.server.address().port}`;
    return this;
  }

  async close() {
    for (const response of this.pendingNext) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  handle(request, response) {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.method === 'GET' && request.url === kNextPath) {
        if (this.nextStatus !== 200) {
          response.writeHead(this.nextStatus, { 'Content-Type': 'application/json' });
          return response.end('{"errorType":"Runtime.ContainerError"}');
        }
        this.pendingNext.push(response);
        return this.dispatch();
      }
      this.posts.push({ path: request.url, headers: request.headers, body });
      response.writeHead(202, { 'Content-Type': 'application/json' });
      response.end('{"status":"OK"}');
      this.notify();
    });
  }

  dispatch() {
    while (this.events.length > 0 && this.pendingNext.length > 0) {
      const { id, body, headers } = this.events.shift();
      const response = this.pendingNext.shift();
      response.writeHead(200, { 'Content-Type': 'application/json', ...headers });
      response.end(body);
    }
  }

  // Queues an event; returns its request id. headers are added to (or replace) the defaults.
  queue(event, headers = {}) {
    const id = crypto.randomUUID();
    const body = typeof event === 'string' ? event : JSON.stringify(event);
    this.events.push({
      id,
      body,
      headers: {
        'Lambda-Runtime-Aws-Request-Id': id,
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + 3000),
        'Lambda-Runtime-Invoked-Function-Arn':
          'arn:aws:lambda:us-east-1:123456789012:function:test-fn:live',
        ...headers,
      },
    });
    this.dispatch();
    return id;
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  // Resolves with the first post for which match(post) is true.
  waitForPost(match, what = 'a post') {
    return new Promise((resolve, reject) => {
      const check = () => {
        const post = this.posts.find(match);
        if (!post) return;
        this.waiters.splice(this.waiters.indexOf(check), 1);
        clearTimeout(timer);
        resolve(post);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(check), 1);
        reject(new Error(`no ${what} within ${kWaitMs} ms; posts: ${JSON.stringify(this.posts)}`));
      }, kWaitMs);
      this.waiters.push(check);
      check();
    });
  }

  // The answer (response or error) posted for request id: {kind, body, headers}.
  async answer(id) {
    const prefix = `/2018-06-01/runtime/invocation/${id}/`;
    const post = await this.waitForPost((p) => p.path.startsWith(prefix), `answer for ${id}`);
    return { kind: post.path.slice(prefix.length), body: post.body, headers: post.headers };
  }

  initError() {
    return this.waitForPost((p) => p.path === '/2018-06-01/runtime/init/error', 'init error');
  }
}

// A running bootstrap.js. files: {relative path: content} written to a fresh task root.
class RuntimeProcess {
  constructor({ api, files, handler, env = {} }) {
    this.taskRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nodejs-runtime-test-')));
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(this.taskRoot, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    this.stdout = '';
    this.stderr = '';
    this.child = spawn(process.execPath, [kBootstrap], {
      cwd: this.taskRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        TZ: ':UTC',
        LANG: 'en_US.UTF-8',
        AWS_LAMBDA_RUNTIME_API: api.address,
        _HANDLER: handler,
        LAMBDA_TASK_ROOT: this.taskRoot,
        LAMBDA_RUNTIME_DIR: path.dirname(kBootstrap),
        AWS_LAMBDA_FUNCTION_NAME: 'test-fn',
        AWS_LAMBDA_FUNCTION_VERSION: '7',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test-fn',
        AWS_LAMBDA_LOG_STREAM_NAME: '2024/01/01/[7]0123456789abcdef',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        ...env,
      },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk) => (this.stdout += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk) => (this.stderr += chunk));
    // 'close' comes after 'exit' and after stdout and stderr are read to their end.
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal }));
    });
  }

  stdoutLines() {
    return this.stdout.split('\n').filter((line) => line !== '');
  }

  stderrLines() {
    return this.stderr.split('\n').filter((line) => line !== '');
  }

  // Resolves with {code, signal} once the process has exited, or rejects after kWaitMs.
  async exit() {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running; stderr: ${this.stderr}`)), kWaitMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Kills the process if it still runs and waits until all its output is read; removes the task
  // root. The runtime writes a record before it posts, but this process may read the post before
  // the record, so a test stops the runtime before asserting on its whole output.
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
    fs.rmSync(this.taskRoot, { recursive: true, force: true });
  }
}

// Runs fn({api, runtime}) with a fresh fake API and a bootstrap.js started for the given files
// and handler; stops both afterwards, whatever happens.
async function withRuntime(options, fn) {
  const api = await new FakeRuntimeApi().start();
  const runtime = new RuntimeProcess({ api, ...options });
  try {
    return await fn({ api, runtime });
  } finally {
    await runtime.stop();
    await api.close();
  }
}

// Starts a runtime, sends one event, and returns its answer with the (stopped) runtime, whose
// output is then complete.
async function invokeOnce(options, event = {}, headers = {}) {
  return withRuntime(options, async ({ api, runtime }) => {
    const id = api.queue(event, headers);
    const answer = await api.answer(id);
    return { id, ...answer, json: JSON.parse(answer.body), runtime };
  });
}

// A log record "<ISO time>\t<request id>\t<LEVEL>\t<message>" split into its fields.
function parseRecord(line) {
  const [time, requestId, level, ...message] = line.split('\t');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(time)) {
    throw new Error(`not a log record: ${JSON.stringify(line)}`);
  }
  return { requestId, level, message: message.join('\t') };
}

module.exports = { kBootstrap, FakeRuntimeApi, RuntimeProcess, withRuntime, invokeOnce, parseRecord };
