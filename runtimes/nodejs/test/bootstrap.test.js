'use strict';
// End-to-end tests of bootstrap.js: each test starts the real runtime as a child process against
// a fake Runtime API (testing/harness.js) with a temporary task root holding small handlers.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const {
  kBootstrap,
  invokeOnce,
  parseRecord,
  withRuntime,
} = require('../testing/harness');

const kRequireStackEnd = `- ${kBootstrap}`;

// The stdout records of the runtime, parsed.
function records(runtime) {
  return runtime.stdoutLines().map(parseRecord);
}

// Asserts a posted error body {errorType, errorMessage, trace} whose trace is the error's stack:
// first line "<type>: <message>", then "    at ..." frames.
function assertErrorBody(body, errorType, errorMessage, firstTraceLine) {
  const error = JSON.parse(body);
  assert.deepEqual(Object.keys(error), ['errorType', 'errorMessage', 'trace']);
  assert.equal(error.errorType, errorType);
  assert.equal(error.errorMessage, errorMessage);
  const firstLines = firstTraceLine.split('\n');
  assert.deepEqual(error.trace.slice(0, firstLines.length), firstLines);
  assert.match(error.trace[firstLines.length], /^ {4}at /);
  return error;
}

describe('handler loading', () => {
  const cases = [
    {
      name: 'CommonJS app.js',
      files: { 'app.js': 'exports.handler = async (event) => ({ got: event, kind: "cjs" });' },
      handler: 'app.handler',
    },
    {
      name: 'ES module app.mjs',
      files: { 'app.mjs': 'export const handler = async (event) => ({ got: event, kind: "mjs" });' },
      handler: 'app.handler',
    },
    {
      name: 'app.js under package.json "type": "module"',
      files: {
        'package.json': '{"type": "module"}',
        'app.js': 'export const handler = async (event) => ({ got: event, kind: typeof require });',
      },
      handler: 'app.handler',
    },
    {
      name: 'CommonJS app.cjs',
      files: { 'app.cjs': 'module.exports.handler = async (event) => ({ got: event });' },
      handler: 'app.handler',
    },
    {
      name: 'a module in a subfolder',
      files: {
        'src/handlers/get.js': 'exports.handler = async (event) => ({ got: event, from: __filename });',
      },
      handler: 'src/handlers/get.handler',
    },
    {
      name: 'an ES module in a subfolder whose package.json is two levels up',
      files: {
        'package.json': '{"name": "fn", "type": "module"}',
        'lib/deep/handler.js': 'export async function fn(event) { return { got: event }; }',
      },
      handler: 'lib/deep/handler.fn',
    },
    {
      name: 'a nested export path',
      files: { 'app.js': 'exports.api = { v1: { get: async (event) => ({ got: event }) } };' },
      handler: 'app.api.v1.get',
    },
    {
      name: 'a package in node_modules',
      files: {
        'node_modules/my-handlers/package.json': '{"name": "my-handlers", "main": "main.js"}',
        'node_modules/my-handlers/main.js': 'exports.handler = async (event) => ({ got: event });',
      },
      handler: 'my-handlers.handler',
    },
  ];
  const expected = {
    'CommonJS app.js': { got: { n: 1 }, kind: 'cjs' },
    'ES module app.mjs': { got: { n: 1 }, kind: 'mjs' },
    'app.js under package.json "type": "module"': { got: { n: 1 }, kind: 'undefined' },
  };
  for (const { name, files, handler } of cases) {
    test(`loads ${name} (${handler})`, async () => {
      const result = await invokeOnce({ files, handler }, { n: 1 });
      assert.equal(result.kind, 'response');
      assert.equal(result.headers['content-type'], 'application/json');
      if (expected[name]) assert.deepEqual(result.json, expected[name]);
      else assert.deepEqual(result.json.got, { n: 1 });
      if (name === 'a module in a subfolder') {
        assert.equal(result.json.from, path.join(result.runtime.taskRoot, 'src/handlers/get.js'));
      }
    });
  }

  test('loads the module once and reuses it while warm', async () => {
    const files = {
      'app.js': [
        'let invocations = 0;',
        'console.log("module loaded");',
        'exports.handler = async () => ({ invocations: ++invocations, pid: process.pid });',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api, runtime }) => {
      const answers = [];
      for (let i = 0; i < 3; ++i) answers.push(JSON.parse((await api.answer(api.queue({}))).body));
      assert.deepEqual(
        answers.map((a) => a.invocations),
        [1, 2, 3],
      );
      assert.equal(new Set(answers.map((a) => a.pid)).size, 1);
      assert.equal(answers[0].pid, runtime.child.pid);
      await runtime.stop();
      const loaded = records(runtime).filter((r) => r.message === 'module loaded');
      assert.deepEqual(loaded, [{ requestId: 'undefined', level: 'INFO', message: 'module loaded' }]);
    });
  });
});

describe('INIT errors go to /runtime/init/error and end the process', () => {
  // Starts the runtime, expects one init error; returns {body, headers, exit, runtime}.
  async function initFailure(files, handler) {
    return withRuntime({ files, handler }, async ({ api, runtime }) => {
      const post = await api.initError();
      const exit = await runtime.exit();
      return { ...post, exit, runtime };
    });
  }

  // AWS logs an INIT failure as "Uncaught Exception" with the error as JSON, request id undefined.
  function assertUncaughtExceptionLogged(runtime, errorType, errorMessage) {
    const [record] = records(runtime);
    assert.equal(record.requestId, 'undefined');
    assert.equal(record.level, 'ERROR');
    const prefix = 'Uncaught Exception \t';
    assert.ok(record.message.startsWith(prefix), record.message);
    const logged = JSON.parse(record.message.slice(prefix.length));
    assert.equal(logged.errorType, errorType);
    assert.equal(logged.errorMessage, errorMessage);
    assert.ok(Array.isArray(logged.stack));
  }

  test('a missing module is Runtime.ImportModuleError with a hint on stderr', async () => {
    const { body, headers, exit, runtime } = await initFailure({}, 'app.handler');
    const message = `Error: Cannot find module 'app'\nRequire stack:\n${kRequireStackEnd}`;
    assertErrorBody(body, 'Runtime.ImportModuleError', message, `Runtime.ImportModuleError: ${message}`);
    assert.equal(headers['lambda-runtime-function-error-type'], 'Runtime.ImportModuleError');
    assert.deepEqual(exit, { code: 129, signal: null });
    assertUncaughtExceptionLogged(runtime, 'Runtime.ImportModuleError', message);
    assert.deepEqual(runtime.stderrLines(), [
      `nodejs runtime: hint: ${runtime.taskRoot} has no app.js, .mjs or .cjs: check the ` +
        "function's Handler and CodeUri; for code that must be built (TypeScript, esbuild), run " +
        '`sam build` and point CodeUri at the build',
    ]);
  });

  test('a missing module in a subfolder names the module, as AWS does', async () => {
    const { body, runtime } = await initFailure({}, 'src/handlers/get.handler');
    assert.equal(
      JSON.parse(body).errorMessage,
      `Error: Cannot find module 'get'\nRequire stack:\n${kRequireStackEnd}`,
    );
    assert.match(runtime.stderr, /has no src\/handlers\/get\.js, \.mjs or \.cjs/);
  });

  test('a package a CommonJS module requires is Runtime.ImportModuleError', async () => {
    const files = { 'app.js': "const pad = require('left-pad');\nexports.handler = async () => pad;" };
    const { body, runtime } = await initFailure(files, 'app.handler');
    const message =
      "Error: Cannot find module 'left-pad'\nRequire stack:\n" +
      `- ${path.join(runtime.taskRoot, 'app.js')}\n${kRequireStackEnd}`;
    assertErrorBody(body, 'Runtime.ImportModuleError', message, `Runtime.ImportModuleError: ${message}`);
    assert.deepEqual(runtime.stderrLines(), [
      `nodejs runtime: hint: 'left-pad' is not installed: run \`npm install\` in ${runtime.taskRoot} ` +
        '(or `sam build`), or add the layer that provides it',
    ]);
  });

  test('the AWS SDK missing gets its own hint', async () => {
    const files = {
      'app.mjs': "import { LambdaClient } from '@aws-sdk/client-lambda';\nexport const handler = async () => 1;",
    };
    const { body, runtime } = await initFailure(files, 'app.handler');
    const error = JSON.parse(body);
    // AWS passes an ES module's resolution error on unchanged.
    assert.equal(error.errorType, 'Error');
    assert.equal(
      error.errorMessage,
      `Cannot find package '@aws-sdk/client-lambda' imported from ${path.join(runtime.taskRoot, 'app.mjs')}`,
    );
    assert.equal(
      error.trace[0],
      `Error [ERR_MODULE_NOT_FOUND]: ${error.errorMessage}`,
    );
    assert.deepEqual(runtime.stderrLines(), [
      "nodejs runtime: hint: '@aws-sdk/client-lambda' is not installed: Lambda's Node.js runtime " +
        "includes the AWS SDK, this emulator does not; add it to the function's package.json and " +
        `run \`npm install\` in ${runtime.taskRoot} (or \`sam build\`)`,
    ]);
  });

  test('an export that does not exist is Runtime.HandlerNotFound', async () => {
    const { body, headers, exit } = await initFailure({ 'app.js': 'exports.handler = () => 1;' }, 'app.nope');
    assertErrorBody(
      body,
      'Runtime.HandlerNotFound',
      'app.nope is undefined or not exported',
      'Runtime.HandlerNotFound: app.nope is undefined or not exported',
    );
    assert.equal(headers['lambda-runtime-function-error-type'], 'Runtime.HandlerNotFound');
    assert.equal(exit.code, 129);
  });

  test('a nested export that does not exist is Runtime.HandlerNotFound', async () => {
    const { body } = await initFailure({ 'app.mjs': 'export const api = {};' }, 'app.api.v1.get');
    assert.equal(JSON.parse(body).errorMessage, 'app.api.v1.get is undefined or not exported');
  });

  test('an export that is not a function is Runtime.HandlerNotFound', async () => {
    const { body } = await initFailure({ 'app.js': 'exports.value = 3;' }, 'app.value');
    assert.equal(JSON.parse(body).errorMessage, 'app.value is not a function');
  });

  test('a handler name without a dot is Runtime.MalformedHandlerName "Bad handler"', async () => {
    const { body, headers, exit } = await initFailure({ 'app.js': '' }, 'app');
    assertErrorBody(body, 'Runtime.MalformedHandlerName', 'Bad handler', 'Runtime.MalformedHandlerName: Bad handler');
    assert.equal(headers['lambda-runtime-function-error-type'], 'Runtime.MalformedHandlerName');
    assert.equal(exit.code, 129);
  });

  test('a handler name with ".." is Runtime.MalformedHandlerName', async () => {
    const { body } = await initFailure({ 'app.js': '' }, '../app.handler');
    assert.equal(
      JSON.parse(body).errorMessage,
      "'../app.handler' is not a valid handler name. Use absolute paths when specifying root " +
        'directories in handler names.',
    );
  });

  for (const [file, kind] of [['app.js', 'CommonJS'], ['app.mjs', 'ES module']]) {
    test(`a syntax error in a ${kind} is Runtime.UserCodeSyntaxError`, async () => {
      const { body, headers, exit, runtime } = await initFailure({ [file]: 'exports.handler = () => }' }, 'app.handler');
      const message = "SyntaxError: Unexpected token '}'";
      assertErrorBody(body, 'Runtime.UserCodeSyntaxError', message, `Runtime.UserCodeSyntaxError: ${message}`);
      assert.equal(headers['lambda-runtime-function-error-type'], 'Runtime.UserCodeSyntaxError');
      assert.equal(exit.code, 129);
      assertUncaughtExceptionLogged(runtime, 'Runtime.UserCodeSyntaxError', message);
      assert.equal(runtime.stderr, '');
    });
  }

  test('an error thrown while the module loads is reported as it is', async () => {
    const files = { 'app.js': "throw new TypeError('bad config');" };
    const { body, headers } = await initFailure(files, 'app.handler');
    assertErrorBody(body, 'TypeError', 'bad config', 'TypeError: bad config');
    assert.equal(headers['lambda-runtime-function-error-type'], 'TypeError');
  });

  test('a rejection nobody handles during INIT is Runtime.UnhandledPromiseRejection (exit 128)', async () => {
    const files = {
      'app.js': "Promise.reject(new Error('init went wrong'));\nexports.handler = async () => 1;",
    };
    const { body, exit } = await initFailure(files, 'app.handler');
    assertErrorBody(
      body,
      'Runtime.UnhandledPromiseRejection',
      'Error: init went wrong',
      'Runtime.UnhandledPromiseRejection: Error: init went wrong',
    );
    assert.equal(exit.code, 128);
  });
});

describe('answers', () => {
  test('an async handler answers with its promise', async () => {
    const files = { 'app.js': 'exports.handler = async (event) => ({ doubled: event.n * 2 });' };
    const result = await invokeOnce({ files, handler: 'app.handler' }, { n: 21 });
    assert.equal(result.kind, 'response');
    assert.equal(result.body, '{"doubled":42}');
  });

  test('a handler returning a promise without being async answers with it', async () => {
    const files = { 'app.js': 'exports.handler = (event) => Promise.resolve("plain");' };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.equal(result.body, '"plain"');
  });

  test('an async handler returning nothing answers null', async () => {
    const result = await invokeOnce({ files: { 'app.js': 'exports.handler = async () => {};' }, handler: 'app.handler' });
    assert.equal(result.body, 'null');
  });

  test('a callback handler answers with callback(null, result)', async () => {
    const files = { 'app.js': 'exports.handler = (event, context, callback) => { callback(null, { n: event.n }); };' };
    const result = await invokeOnce({ files, handler: 'app.handler' }, { n: 5 });
    assert.equal(result.body, '{"n":5}');
  });

  test('callback waits for the event loop to be empty by default', async () => {
    // The result is serialized when it is posted: after the timer when waiting, before it if not.
    const files = {
      'app.js': [
        'exports.handler = (event, context, callback) => {',
        '  context.callbackWaitsForEmptyEventLoop = event.wait;',
        '  const result = { timerRan: false };',
        '  setTimeout(() => { result.timerRan = true; }, 50);',
        '  callback(null, result);',
        '};',
      ].join('\n'),
    };
    const waited = await invokeOnce({ files, handler: 'app.handler' }, { wait: true });
    assert.equal(waited.body, '{"timerRan":true}');
    const notWaited = await invokeOnce({ files, handler: 'app.handler' }, { wait: false });
    assert.equal(notWaited.body, '{"timerRan":false}');
  });

  test('an async handler is answered at once even with timers pending', async () => {
    const files = {
      'app.js': [
        'exports.handler = async () => {',
        '  const result = { timerRan: false };',
        '  setTimeout(() => { result.timerRan = true; }, 50);',
        '  return result;',
        '};',
      ].join('\n'),
    };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.equal(result.body, '{"timerRan":false}');
  });

  test('the first answer counts, later ones are ignored', async () => {
    const files = {
      'app.js': [
        'exports.handler = (event, context, callback) => {',
        '  context.callbackWaitsForEmptyEventLoop = false;',
        '  callback(null, "first");',
        '  callback(null, "second");',
        '  context.succeed("third");',
        '  throw new Error("after the answer");',
        '};',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api }) => {
      const first = await api.answer(api.queue({}));
      assert.equal(first.body, '"first"');
      const second = await api.answer(api.queue({}));
      assert.equal(second.body, '"first"');
      assert.equal(api.posts.length, 2);
    });
  });

  for (const [call, expected] of [
    ['context.succeed({ via: "succeed" })', { kind: 'response', body: '{"via":"succeed"}' }],
    ['context.done(null, { via: "done" })', { kind: 'response', body: '{"via":"done"}' }],
    ['context.done()', { kind: 'response', body: 'null' }],
  ]) {
    test(`${call} answers at once`, async () => {
      const files = { 'app.js': `exports.handler = (event, context) => { setTimeout(() => {}, 2000); ${call}; };` };
      const result = await invokeOnce({ files, handler: 'app.handler' });
      assert.equal(result.kind, expected.kind);
      assert.equal(result.body, expected.body);
    });
  }

  test('a handler that never answers answers null once the event loop is empty', async () => {
    const files = { 'app.js': 'exports.handler = (event, context, callback) => { setTimeout(() => {}, 20); };' };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.equal(result.kind, 'response');
    assert.equal(result.body, 'null');
  });

  test('an async handler whose promise never settles fails with Runtime.NodeJsExit', async () => {
    const files = { 'app.js': 'exports.handler = async () => new Promise(() => {});' };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.equal(result.kind, 'error');
    const message =
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
      'caused by a Promise that was never settled. For more information, see ' +
      'https://nodejs.org/docs/latest/api/process.html#exit-codes';
    assertErrorBody(result.body, 'Runtime.NodeJsExit', message, `Runtime.NodeJsExit: ${message}`);
  });

  test('the process keeps serving after errors', async () => {
    const files = {
      'app.js': 'exports.handler = async (event) => { if (event.fail) throw new Error("no"); return "yes"; };',
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api }) => {
      assert.equal((await api.answer(api.queue({ fail: true }))).kind, 'error');
      assert.equal((await api.answer(api.queue({ fail: false }))).body, '"yes"');
      assert.equal((await api.answer(api.queue({ fail: true }))).kind, 'error');
    });
  });
});

describe('context', () => {
  test('has the invocation\'s and the function\'s fields, as AWS names and orders them', async () => {
    const files = {
      'app.js': [
        'exports.handler = async (event, context) => ({',
        '  json: JSON.parse(JSON.stringify(context)),',
        '  remaining: context.getRemainingTimeInMillis(),',
        '  trace: process.env._X_AMZN_TRACE_ID ?? null,',
        '  functions: Object.keys(context).filter((k) => typeof context[k] === "function"),',
        '});',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api }) => {
      const clientContext = { client: { installation_id: 'i-1' }, env: { platform: 'test' }, custom: { a: 1 } };
      const identity = { cognitoIdentityId: 'us-east-1:abc', cognitoIdentityPoolId: 'us-east-1:pool' };
      const deadline = Date.now() + 3000;
      const id = api.queue({}, {
        'Lambda-Runtime-Deadline-Ms': String(deadline),
        'Lambda-Runtime-Client-Context': JSON.stringify(clientContext),
        'Lambda-Runtime-Cognito-Identity': JSON.stringify(identity),
        'Lambda-Runtime-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      });
      const answer = JSON.parse((await api.answer(id)).body);
      assert.deepEqual(answer.json, {
        callbackWaitsForEmptyEventLoop: true,
        functionVersion: '7',
        functionName: 'test-fn',
        memoryLimitInMB: '256',
        logGroupName: '/aws/lambda/test-fn',
        logStreamName: '2024/01/01/[7]0123456789abcdef',
        clientContext,
        identity,
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-fn:live',
        awsRequestId: id,
      });
      assert.deepEqual(answer.functions, ['succeed', 'fail', 'done', 'getRemainingTimeInMillis']);
      assert.ok(answer.remaining > 0 && answer.remaining <= 3000, `remaining ${answer.remaining}`);
      assert.equal(answer.trace, 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');

      // Without a trace header the variable is removed; the remaining time counts down.
      const next = JSON.parse((await api.answer(api.queue({}, { 'Lambda-Runtime-Deadline-Ms': String(Date.now() + 1000) }))).body);
      assert.equal(next.trace, null);
      assert.ok(next.remaining > 0 && next.remaining <= 1000, `remaining ${next.remaining}`);
      assert.equal(next.json.clientContext, undefined);
    });
  });

  test('a Client-Context that is not JSON fails the invocation', async () => {
    const files = { 'app.js': 'exports.handler = async () => "unreached";' };
    const result = await invokeOnce({ files, handler: 'app.handler' }, {}, { 'Lambda-Runtime-Client-Context': '{nope' });
    assert.equal(result.kind, 'error');
    assert.equal(result.json.errorType, 'Error');
    assert.match(result.json.errorMessage, /^Cannot parse ClientContext as json: SyntaxError: /);
  });
});

describe('invocation errors', () => {
  test('a thrown Error is {errorType, errorMessage, trace} and is logged as Invoke Error', async () => {
    const files = { 'app.js': 'exports.handler = async () => { throw new Error("boom"); };' };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.equal(result.kind, 'error');
    const error = assertErrorBody(result.body, 'Error', 'boom', 'Error: boom');
    assert.match(error.trace[1], new RegExp(`^    at (.* \\()?${path.join(result.runtime.taskRoot, 'app.js')}:1:`));
    assert.equal(result.headers['lambda-runtime-function-error-type'], 'Error');
    assert.equal(result.headers['content-type'], 'application/json');

    const [record] = records(result.runtime);
    assert.equal(record.requestId, result.id);
    assert.equal(record.level, 'ERROR');
    const prefix = 'Invoke Error \t';
    assert.ok(record.message.startsWith(prefix), record.message);
    const logged = JSON.parse(record.message.slice(prefix.length));
    assert.deepEqual(Object.keys(logged), ['errorType', 'errorMessage', 'stack']);
    assert.equal(logged.errorType, 'Error');
    assert.equal(logged.errorMessage, 'boom');
    assert.deepEqual(logged.stack, error.trace);
  });

  test('the log shows an error\'s own fields', async () => {
    const files = {
      'app.js': 'exports.handler = async () => { const e = new Error("denied"); e.code = "E_DENIED"; e.status = 403; throw e; };',
    };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    const logged = JSON.parse(records(result.runtime)[0].message.slice('Invoke Error \t'.length));
    assert.deepEqual(Object.keys(logged), ['errorType', 'errorMessage', 'code', 'status', 'stack']);
    assert.equal(logged.code, 'E_DENIED');
    assert.equal(logged.status, 403);
    assert.deepEqual(Object.keys(result.json), ['errorType', 'errorMessage', 'trace']);
  });

  test('errorType is the error\'s name, as AWS reports it', async () => {
    const files = {
      'app.js': [
        'class NotFound extends Error { constructor(m) { super(m); this.name = "NotFound"; } }',
        'class Unnamed extends Error {}',
        'exports.handler = async (event) => {',
        '  if (event.kind === "named") throw new NotFound("no such item");',
        '  if (event.kind === "unnamed") throw new Unnamed("subclass without a name");',
        '  throw new RangeError("too far");',
        '};',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api }) => {
      for (const [kind, type, message] of [
        ['named', 'NotFound', 'no such item'],
        ['unnamed', 'Error', 'subclass without a name'],
        ['range', 'RangeError', 'too far'],
      ]) {
        const answer = await api.answer(api.queue({ kind }));
        assertErrorBody(answer.body, type, message, `${type}: ${message}`);
        assert.equal(answer.headers['lambda-runtime-function-error-type'], type);
      }
    });
  });

  const nonErrors = [
    ['callback("oops")', { errorType: 'string', errorMessage: 'oops', trace: [] }],
    ['callback(42)', { errorType: 'number', errorMessage: '42', trace: [] }],
    ['callback({ reason: "x" })', { errorType: 'object', errorMessage: '[object Object]', trace: [] }],
    ['context.fail()', { errorType: 'string', errorMessage: 'handled', trace: [] }],
    ['context.fail("nope")', { errorType: 'string', errorMessage: 'nope', trace: [] }],
    ['context.done("bad")', { errorType: 'string', errorMessage: 'bad', trace: [] }],
  ];
  for (const [call, expected] of nonErrors) {
    test(`${call} reports ${JSON.stringify(expected)}`, async () => {
      const files = { 'app.js': `exports.handler = (event, context, callback) => { ${call}; };` };
      const result = await invokeOnce({ files, handler: 'app.handler' });
      assert.equal(result.kind, 'error');
      assert.deepEqual(result.json, expected);
      assert.equal(result.headers['lambda-runtime-function-error-type'], expected.errorType);
    });
  }

  for (const [what, code, expected] of [
    ['a string', 'throw "plain string"', { errorType: 'string', errorMessage: 'plain string', trace: [] }],
    ['undefined', 'return Promise.reject(undefined)', { errorType: 'string', errorMessage: 'handled', trace: [] }],
    ['null', 'throw null', { errorType: 'string', errorMessage: 'handled', trace: [] }],
  ]) {
    test(`an async handler rejecting with ${what} reports ${JSON.stringify(expected)}`, async () => {
      const files = { 'app.js': `exports.handler = async () => { ${code}; };` };
      const result = await invokeOnce({ files, handler: 'app.handler' });
      assert.deepEqual(result.json, expected);
    });
  }

  test('a non-Error is logged wrapped in an Error, as AWS logs it', async () => {
    const files = { 'app.js': 'exports.handler = (e, c, callback) => callback("oops");' };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    const logged = JSON.parse(records(result.runtime)[0].message.slice('Invoke Error \t'.length));
    assert.equal(logged.errorType, 'Error');
    assert.equal(logged.errorMessage, 'oops');
  });

  for (const [what, code] of [
    ['a circular object', 'const o = {}; o.self = o; return o;'],
    ['a BigInt', 'return { n: 10n };'],
  ]) {
    test(`a result that is ${what} fails with "Unable to stringify response body"`, async () => {
      const files = { 'app.js': `exports.handler = async () => { ${code} };` };
      const result = await invokeOnce({ files, handler: 'app.handler' });
      assert.equal(result.kind, 'error');
      assertErrorBody(result.body, 'Error', 'Unable to stringify response body', 'Error: Unable to stringify response body');
      const [record] = records(result.runtime);
      assert.equal(record.level, 'ERROR');
      assert.ok(record.message.startsWith('Invoke Error \t{"errorType":"Error","errorMessage":"Unable to stringify response body"'));
    });
  }

  test('a malformed event fails the invocation with the JSON error', async () => {
    const files = { 'app.js': 'exports.handler = async () => "unreached";' };
    const result = await invokeOnce({ files, handler: 'app.handler' }, '{not json');
    assert.equal(result.kind, 'error');
    assert.equal(result.json.errorType, 'SyntaxError');
  });

  test('a rejection nobody handles fails the invocation and ends the process (128)', async () => {
    const files = {
      'app.js': [
        'exports.handler = async () => {',
        '  Promise.reject(new Error("forgotten"));',
        '  await new Promise((resolve) => setTimeout(resolve, 200));',
        '  return "unreached";',
        '};',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api, runtime }) => {
      const id = api.queue({});
      const answer = await api.answer(id);
      assert.equal(answer.kind, 'error');
      assertErrorBody(
        answer.body,
        'Runtime.UnhandledPromiseRejection',
        'Error: forgotten',
        'Runtime.UnhandledPromiseRejection: Error: forgotten',
      );
      assert.deepEqual(await runtime.exit(), { code: 128, signal: null });
      const [record] = records(runtime);
      assert.equal(record.requestId, id);
      assert.ok(record.message.startsWith('Unhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: forgotten","reason":{"errorType":"Error","errorMessage":"forgotten","stack":['));
    });
  });

  test('an exception nobody catches fails the invocation and ends the process (129)', async () => {
    const files = {
      'app.js': 'exports.handler = (e, c, callback) => { setTimeout(() => { throw new TypeError("in a timer"); }, 10); };',
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api, runtime }) => {
      const answer = await api.answer(api.queue({}));
      assertErrorBody(answer.body, 'TypeError', 'in a timer', 'TypeError: in a timer');
      assert.deepEqual(await runtime.exit(), { code: 129, signal: null });
      assert.ok(records(runtime)[0].message.startsWith('Uncaught Exception \t{"errorType":"TypeError"'));
    });
  });
  test('an exception between invocations is reported for the last one and ends the process', async () => {
    // The answer is posted at once; the timer throws while the runtime waits for the next event.
    const files = {
      'app.js': [
        'exports.handler = (e, context, callback) => {',
        '  context.callbackWaitsForEmptyEventLoop = false;',
        '  setTimeout(() => { throw new Error("late"); }, 100);',
        '  callback(null, "answered");',
        '};',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api, runtime }) => {
      const id = api.queue({});
      assert.equal((await api.answer(id)).body, '"answered"');
      assert.deepEqual(await runtime.exit(), { code: 129, signal: null });
      const errors = api.posts.filter((p) => p.path === `/2018-06-01/runtime/invocation/${id}/error`);
      assert.equal(errors.length, 1);
      assertErrorBody(errors[0].body, 'Error', 'late', 'Error: late');
    });
  });
});

describe('console', () => {
  test('writes "<time>\\t<request id>\\t<LEVEL>\\t<message>" records, one line each', async () => {
    const files = {
      'app.js': [
        'console.log("at init");',
        'exports.handler = async () => {',
        '  console.log("log %s=%d", "n", 42, { a: [1] });',
        '  console.info("info");',
        '  console.warn("warn");',
        '  console.error("error", new Error("shown").message);',
        '  console.debug("debug");',
        '  console.trace("trace");',
        '  console.fatal("fatal");',
        '  console.log("two\\nlines");',
        '  console.log();',
        '  return 1;',
        '};',
      ].join('\n'),
    };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    const id = result.id;
    assert.deepEqual(records(result.runtime), [
      { requestId: 'undefined', level: 'INFO', message: 'at init' },
      { requestId: id, level: 'INFO', message: 'log n=42 { a: [ 1 ] }' },
      { requestId: id, level: 'INFO', message: 'info' },
      { requestId: id, level: 'WARN', message: 'warn' },
      { requestId: id, level: 'ERROR', message: 'error shown' },
      { requestId: id, level: 'DEBUG', message: 'debug' },
      { requestId: id, level: 'TRACE', message: 'trace' },
      { requestId: id, level: 'FATAL', message: 'fatal' },
      { requestId: id, level: 'INFO', message: 'two\rlines' },
      { requestId: id, level: 'INFO', message: 'undefined' },
    ]);
    assert.equal(result.runtime.stderr, '');
  });

  test('logs of later invocations carry their own request id', async () => {
    const files = { 'app.js': 'exports.handler = async (event) => { console.log("event", event.n); };' };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api, runtime }) => {
      const first = api.queue({ n: 1 });
      await api.answer(first);
      const second = api.queue({ n: 2 });
      await api.answer(second);
      await runtime.stop();
      assert.deepEqual(records(runtime), [
        { requestId: first, level: 'INFO', message: 'event 1' },
        { requestId: second, level: 'INFO', message: 'event 2' },
      ]);
    });
  });

  test('AWS_LAMBDA_LOG_FORMAT=JSON writes JSON records and AWS_LAMBDA_LOG_LEVEL filters them', async () => {
    const files = {
      'app.js': [
        'exports.handler = async () => {',
        '  console.debug("hidden");',
        '  console.info("info", { a: 1 });',
        '  console.warn({ structured: true });',
        '  throw new Error("json boom");',
        '};',
      ].join('\n'),
    };
    const env = { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' };
    const result = await invokeOnce({ files, handler: 'app.handler', env });
    const lines = result.runtime.stdoutLines().map((line) => JSON.parse(line));
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      lines.map(({ timestamp, ...rest }) => rest).slice(0, 2),
      [
        { level: 'INFO', requestId: result.id, message: 'info { a: 1 }' },
        { level: 'WARN', requestId: result.id, message: { structured: true } },
      ],
    );
    const { level, requestId, message } = lines[2];
    assert.deepEqual([level, requestId], ['ERROR', result.id]);
    assert.equal(message.errorType, 'Error');
    assert.equal(message.errorMessage, 'json boom');
    assert.equal(message.stackTrace[0], 'Error: json boom');
  });
});

describe('process', () => {
  test('SIGTERM ends the process with status 0', async () => {
    await withRuntime({ files: { 'app.js': 'exports.handler = async () => 1;' }, handler: 'app.handler' }, async ({ api, runtime }) => {
      await api.answer(api.queue({})); // initialized and waiting for the next event
      runtime.child.kill('SIGTERM');
      assert.deepEqual(await runtime.exit(), { code: 0, signal: null });
    });
  });

  test('a handler\'s own SIGTERM listener runs first', async () => {
    const files = {
      'app.js': [
        'process.on("SIGTERM", () => { console.log("cleaning up"); });',
        'exports.handler = async () => 1;',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api, runtime }) => {
      await api.answer(api.queue({}));
      runtime.child.kill('SIGTERM');
      assert.deepEqual(await runtime.exit(), { code: 0, signal: null });
      assert.equal(records(runtime).at(-1).message, 'cleaning up');
    });
  });

  test('a 500 from the Runtime API ends the process with status 1', async () => {
    await withRuntime({ files: { 'app.js': 'exports.handler = async () => 1;' }, handler: 'app.handler' }, async ({ api, runtime }) => {
      api.nextStatus = 500;
      assert.deepEqual(await runtime.exit(), { code: 1, signal: null });
      assert.match(runtime.stderr, /^nodejs runtime: GET next answered 500: .*; exiting\n$/);
    });
  });

  test('without AWS_LAMBDA_RUNTIME_API it says so and exits 1', async () => {
    await withRuntime({ files: {}, handler: 'app.handler', env: { AWS_LAMBDA_RUNTIME_API: '' } }, async ({ runtime }) => {
      assert.deepEqual(await runtime.exit(), { code: 1, signal: null });
      assert.equal(runtime.stderr, 'nodejs runtime: AWS_LAMBDA_RUNTIME_API is not set; exiting\n');
    });
  });
});

describe('AWS SDK for JavaScript v2 endpoint', () => {
  // A stand-in for aws-sdk v2 with the files the hook looks for: lib/node_loader.js makes
  // AWS.config, as the real package's does.
  const fakeSdk = {
    'node_modules/aws-sdk/package.json': '{"name": "aws-sdk", "main": "index.js"}',
    'node_modules/aws-sdk/index.js': 'module.exports = require("./lib/node_loader");',
    'node_modules/aws-sdk/lib/node_loader.js': 'module.exports = { VERSION: "2.1693.0", config: { region: "us-east-1" } };',
  };
  const env = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    AWS_ENDPOINT_URL_CODEDEPLOY: 'http://127.0.0.1:4567',
  };
  const expected = {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    codedeploy: { endpoint: 'http://127.0.0.1:4567' },
  };

  test('require("aws-sdk") gets AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>', async () => {
    const files = { ...fakeSdk, 'app.js': 'const AWS = require("aws-sdk");\nexports.handler = async () => AWS.config;' };
    const result = await invokeOnce({ files, handler: 'app.handler', env });
    assert.deepEqual(result.json, expected);
  });

  test('import AWS from "aws-sdk" gets them too', async () => {
    const files = { ...fakeSdk, 'app.mjs': 'import AWS from "aws-sdk";\nexport const handler = async () => AWS.config;' };
    const result = await invokeOnce({ files, handler: 'app.handler', env });
    assert.deepEqual(result.json, expected);
  });

  test('an endpoint the code sets is kept, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns it off', async () => {
    const files = {
      ...fakeSdk,
      'node_modules/aws-sdk/lib/node_loader.js': 'module.exports = { config: { endpoint: "http://mine" } };',
      'app.js': 'const AWS = require("aws-sdk");\nexports.handler = async () => AWS.config;',
    };
    const kept = await invokeOnce({ files, handler: 'app.handler', env });
    assert.equal(kept.json.endpoint, 'http://mine');
    const ignored = await invokeOnce({
      files: { ...fakeSdk, 'app.js': files['app.js'] },
      handler: 'app.handler',
      env: { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    });
    assert.deepEqual(ignored.json, { region: 'us-east-1' });
  });
});

describe('response streaming (collected, posted whole)', () => {
  test('awslambda.streamifyResponse handlers post what they wrote', async () => {
    const files = {
      'app.mjs': [
        'export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {',
        '  responseStream.setContentType("text/plain");',
        '  responseStream.write("hello ");',
        '  responseStream.end(context.functionName);',
        '});',
      ].join('\n'),
    };
    await withRuntime({ files, handler: 'app.handler' }, async ({ api }) => {
      const answer = await api.answer(api.queue({}));
      assert.equal(answer.kind, 'response');
      assert.equal(answer.body, 'hello test-fn');
      assert.equal(answer.headers['content-type'], 'text/plain');
    });
  });

  test('HttpResponseStream.from makes a proxy response', async () => {
    const files = {
      'app.js': [
        'exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {',
        '  const http = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { "x-a": "1" } });',
        '  http.write("{\\"ok\\":");',
        '  http.end("true}");',
        '});',
      ].join('\n'),
    };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.deepEqual(result.json, {
      statusCode: 201,
      headers: { 'x-a': '1' },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  test('a stream left open fails the invocation', async () => {
    const files = {
      'app.js': 'exports.handler = awslambda.streamifyResponse(async (event, stream) => { stream.write("partial"); });',
    };
    const result = await invokeOnce({ files, handler: 'app.handler' });
    assert.equal(result.kind, 'error');
    assertErrorBody(result.body, 'Error', 'Response stream is not finished.', 'Error: Response stream is not finished.');
  });
});
