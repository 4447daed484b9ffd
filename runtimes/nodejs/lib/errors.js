'use strict';
// Errors as AWS's Node.js runtime shapes them (aws-lambda-nodejs-runtime-interface-client,
// src/Errors.js): the runtime's own error types, the body posted to the Runtime API, and the
// JSON written after "Invoke Error" in the function's log.

const util = require('node:util');

// A runtime error type: errorType is "Runtime.<Name>" (set on the prototype, as AWS does), the
// class keeps the bare name (which the JSON log format reports as the constructor's name).
function runtimeErrorClass(name, fixedMessage) {
  const cls = {
    [name]: class extends Error {
      constructor(message) {
        super(fixedMessage ?? message);
      }
    },
  }[name];
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}

const ImportModuleError = runtimeErrorClass('ImportModuleError');
const HandlerNotFound = runtimeErrorClass('HandlerNotFound');
const MalformedHandlerName = runtimeErrorClass('MalformedHandlerName');
const UserCodeSyntaxError = runtimeErrorClass('UserCodeSyntaxError');
// An async handler whose promise never settled while the event loop ran empty.
const NodeJsExit = runtimeErrorClass(
  'NodeJsExit',
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
    'caused by a Promise that was never settled. For more information, see ' +
    'https://nodejs.org/docs/latest/api/process.html#exit-codes',
);

// message is String(reason), e.g. "Error: boom"; reason and promise stay enumerable, so the
// logged JSON carries them.
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

// AWS treats anything with string name, message and stack as an error, not only Error objects.
function looksLikeError(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.name === 'string' &&
    value.name !== '' &&
    typeof value.message === 'string' &&
    value.message !== '' &&
    typeof value.stack === 'string' &&
    value.stack !== ''
  );
}

// The body of POST /invocation/{id}/error and /init/error. A thrown or rejected value that is not
// an error becomes {errorType: typeof value, errorMessage: String(value), trace: []}, so
// callback("oops") reports errorType "string". DEL (0x7F) is escaped as AWS escapes it.
function toErrorPayload(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or ' +
        'more of its message, name, and stack',
    };
  }
}

function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}

// Errors keep name, message and stack out of JSON.stringify (they are not enumerable); the log
// shows them first, then the error's own enumerable fields, then the stack as lines.
function withErrorFields(_key, value) {
  if (!(value instanceof Error)) return value;
  const fields = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: value.code },
    value,
  );
  if (typeof value.stack === 'string') fields.stack = value.stack.split('\n');
  return fields;
}

// The text after "Invoke Error " in the log: a tab, then the error as JSON.
function formatForLog(error) {
  try {
    return '\t' + JSON.stringify(error, withErrorFields);
  } catch {
    return '\t' + JSON.stringify(toErrorPayload(error));
  }
}

module.exports = {
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  NodeJsExit,
  UnhandledPromiseRejection,
  toErrorPayload,
  intoError,
  formatForLog,
};
