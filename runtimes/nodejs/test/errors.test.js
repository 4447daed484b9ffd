'use strict';
// Unit tests of the error shapes (lib/errors.js) and handler names (lib/handler_loader.js),
// in process.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const {
  ImportModuleError,
  UnhandledPromiseRejection,
  toErrorPayload,
  formatForLog,
} = require('../lib/errors');
const { parseHandler } = require('../lib/handler_loader');

describe('toErrorPayload', () => {
  test('an Error gives its name, message and stack lines', () => {
    const error = new TypeError('bad\nthing');
    assert.deepEqual(toErrorPayload(error), {
      errorType: 'TypeError',
      errorMessage: 'bad\nthing',
      trace: error.stack.split('\n'),
    });
  });

  test('an object with string name, message and stack counts as an error', () => {
    const like = { name: 'Custom', message: 'from elsewhere', stack: 'Custom: from elsewhere\n    at x' };
    assert.deepEqual(toErrorPayload(like), {
      errorType: 'Custom',
      errorMessage: 'from elsewhere',
      trace: ['Custom: from elsewhere', '    at x'],
    });
  });

  test('other values give their typeof and string', () => {
    assert.deepEqual(toErrorPayload('oops'), { errorType: 'string', errorMessage: 'oops', trace: [] });
    assert.deepEqual(toErrorPayload(false), { errorType: 'boolean', errorMessage: 'false', trace: [] });
    assert.deepEqual(toErrorPayload([1, 2]), { errorType: 'object', errorMessage: '1,2', trace: [] });
  });

  test('DEL characters are escaped as %7F', () => {
    const payload = toErrorPayload(new Error('a\x7Fb'));
    assert.equal(payload.errorMessage, 'a%7Fb');
    assert.equal(payload.trace[0], 'Error: a%7Fb');
  });

  test('a value that cannot be read gives AWS\'s fixed "handled" payload', () => {
    assert.deepEqual(toErrorPayload(Object.create(null)), {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or ' +
        'more of its message, name, and stack',
    });
  });

  test('runtime errors are named Runtime.<Name>', () => {
    const error = new ImportModuleError(new Error("Cannot find module 'x'"));
    assert.equal(error.name, 'Runtime.ImportModuleError');
    assert.equal(error.constructor.name, 'ImportModuleError');
    assert.equal(error.message, "Error: Cannot find module 'x'");
    const rejection = new UnhandledPromiseRejection('just a string', Promise.resolve());
    assert.equal(toErrorPayload(rejection).errorMessage, 'just a string');
    assert.equal(toErrorPayload(rejection).errorType, 'Runtime.UnhandledPromiseRejection');
  });
});

describe('formatForLog', () => {
  test('starts with a tab and lists type, message, own fields, then stack', () => {
    const error = new Error('boom');
    error.code = 'E1';
    error.details = { id: 3 };
    const text = formatForLog(error);
    assert.equal(text[0], '\t');
    const parsed = JSON.parse(text.slice(1));
    assert.deepEqual(Object.keys(parsed), ['errorType', 'errorMessage', 'code', 'details', 'stack']);
    assert.deepEqual(parsed.details, { id: 3 });
    assert.deepEqual(parsed.stack, error.stack.split('\n'));
  });

  test('an error that cannot be serialized falls back to the payload shape', () => {
    const error = new Error('has a BigInt');
    error.cause = { bigint: 1n };
    const parsed = JSON.parse(formatForLog(error).slice(1));
    assert.deepEqual(Object.keys(parsed), ['errorType', 'errorMessage', 'trace']);
  });
});

describe('parseHandler', () => {
  const cases = [
    ['app.handler', { moduleRoot: '', moduleName: 'app', exportPath: 'handler' }],
    ['src/handlers/get.handler', { moduleRoot: 'src/handlers/', moduleName: 'get', exportPath: 'handler' }],
    ['lib/handler.fn', { moduleRoot: 'lib/', moduleName: 'handler', exportPath: 'fn' }],
    ['app.obj.nested.fn', { moduleRoot: '', moduleName: 'app', exportPath: 'obj.nested.fn' }],
    ['dist.v2/app.handler', { moduleRoot: 'dist.v2/', moduleName: 'app', exportPath: 'handler' }],
  ];
  for (const [handler, expected] of cases) {
    test(`"${handler}"`, () => assert.deepEqual(parseHandler(handler), expected));
  }

  for (const [handler, message] of [
    ['app', 'Bad handler'],
    ['src/app', 'Bad handler'],
    ['', 'Bad handler'],
    [
      'src/../app.handler',
      "'src/../app.handler' is not a valid handler name. Use absolute paths when specifying root " +
        'directories in handler names.',
    ],
  ]) {
    test(`"${handler}" is Runtime.MalformedHandlerName: ${message}`, () => {
      assert.throws(() => parseHandler(handler), { name: 'Runtime.MalformedHandlerName', message });
    });
  }
});
