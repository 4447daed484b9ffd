'use strict';
// The function's log as AWS's Node.js runtime writes it to stdout (src/LogPatch.js): console.*
// become records "<ISO time>\t<request id>\t<LEVEL>\t<util.format(...)>", one line each, the
// message's own newlines turned into "\r" so a multi-line message stays one record. The request
// id is the invocation in progress, or the last one; before the first it prints "undefined", as
// on AWS. AWS_LAMBDA_LOG_FORMAT=JSON and AWS_LAMBDA_LOG_LEVEL (which Lambda sets from the
// function's LoggingConfig) are honoured as AWS honours them.
//
// stdout is a pipe here, and Node writes to pipes synchronously on Linux, so every record is out
// before the invocation's answer is posted.

const util = require('node:util');
const { formatForLog, intoError } = require('./errors');

const kLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

let requestId;

function setRequestId(id) {
  requestId = id;
}

function textRecord(level, message, params) {
  const text = util.format(message, ...params);
  return `${new Date().toISOString()}\t${requestId}\t${level}\t${text}`.replace(/\n/g, '\r') + '\n';
}

// Errors in a JSON record: the constructor's name as errorType, the stack as lines.
function jsonErrorFields(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    },
    value,
  );
}

// One argument is logged as the value itself (an object stays an object); several are formatted
// to a string, and the first Error among them adds errorType, errorMessage and stackTrace.
function jsonRecord(level, message, params) {
  const record = { timestamp: new Date().toISOString(), level, requestId };
  if (params.length === 0) {
    record.message = message;
    try {
      return JSON.stringify(record, jsonErrorFields) + '\n';
    } catch {
      record.message = util.format(message);
      return JSON.stringify(record) + '\n';
    }
  }
  record.message = util.format(message, ...params);
  const error = [message, ...params].find((param) => param instanceof Error);
  if (error) {
    record.errorType = error?.constructor?.name ?? 'UnknownError';
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(record) + '\n';
}

// Replaces console.trace/debug/info/log/warn/error (and adds console.fatal, as AWS does).
// Returns logError(label, error), which writes "<label> \t{error as JSON}" at ERROR level, the
// line AWS writes for "Invoke Error", "Uncaught Exception" and "Unhandled Promise Rejection".
function patchConsole(env = process.env) {
  const json = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const record = json ? jsonRecord : textRecord;
  const lowest = Math.max(0, kLevels.indexOf(env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()));
  const writer = (level) => (message, ...params) => {
    process.stdout.write(record(level, message, params));
  };
  const ignore = () => {};
  const logger = (level) => (kLevels.indexOf(level) >= lowest ? writer(level) : ignore);

  console.trace = logger('TRACE');
  console.debug = logger('DEBUG');
  console.info = logger('INFO');
  console.log = console.info;
  console.warn = logger('WARN');
  console.error = logger('ERROR');
  console.fatal = writer('FATAL');

  const error = logger('ERROR');
  return json
    ? (_label, value) => error(intoError(value))
    : (label, value) => error(label, formatForLog(intoError(value)));
}

module.exports = { patchConsole, setRequestId };
