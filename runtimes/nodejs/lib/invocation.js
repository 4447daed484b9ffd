'use strict';
// One invocation: the handler's context object and the ways a handler answers, as AWS's Node.js
// runtime provides them (src/Runtime.js, src/CallbackContext.js, src/InvokeContext.js).
//
// A handler answers by returning a promise (async), or through callback(error, result) or the
// legacy context.succeed(result) / fail(error) / done(error, result). The first of these counts;
// later calls are ignored. An error answer is posted at once. callback(null, result) with
// context.callbackWaitsForEmptyEventLoop true (the default) is posted when Node's event loop has
// nothing left to do (its "beforeExit"), so timers and sockets the handler left open run first,
// as on AWS; with false it is posted at once and whatever is pending is frozen until the next
// invocation (here: keeps running, see README.md). A promise's result is posted at once, whatever
// the flag says. If the loop runs empty with no answer: an async function fails with
// Runtime.NodeJsExit, any other handler answers null.

const { finished } = require('node:stream/promises');
const { NodeJsExit } = require('./errors');
const { createResponseStream } = require('./response_stream');

const kHandled = 'handled';

// Context fields taken from the environment, once per process (Lambda fixes them per
// execution environment). memoryLimitInMB is a string, as on AWS.
function environmentFields(env = process.env) {
  return {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${error.toString()}`);
  }
}

// The context fields an invocation's headers give (lower-case names, as node:http has them).
// Throws when Client-Context or Cognito-Identity is not JSON.
function headerFields(requestId, headers) {
  const deadlineMs = Number(headers['lambda-runtime-deadline-ms']);
  return {
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: requestId,
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadlineMs - Date.now(),
  };
}

// Lambda's X-Ray trace header becomes _X_AMZN_TRACE_ID, where the X-Ray SDK looks for it.
function forwardTraceId(headers) {
  const traceId = headers['lambda-runtime-trace-id'];
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
}

function isPromise(value) {
  return Boolean(value) && typeof value.then === 'function';
}

// Runs handler(event, context, callback) for one event.
//   runtime.respond(requestId, result)   posts a result as JSON (and goes on to the next event)
//   runtime.respondRaw(requestId, body, contentType)   posts bytes as they are (and goes on)
//   runtime.fail(requestId, error)       logs "Invoke Error" and posts the error (and goes on)
//   runtime.onEmptyLoop(action)          sets (or clears, with null) what to do when the event
//                                        loop runs empty
function invoke({ handler, isAsync, runtime, environment, requestId, headers, body }) {
  let settled = false; // the handler has answered: later answers are ignored
  let reported = false; // a result has been posted for this invocation
  let waitsForEmptyLoop = true;

  const respond = (result) => {
    if (reported) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per ' +
          'invocation.',
      );
      return;
    }
    reported = true;
    runtime.respond(requestId, result);
  };
  const fail = (error) => {
    reported = true;
    runtime.fail(requestId, error);
  };
  const done = (error, result) => {
    runtime.onEmptyLoop(null);
    if (error !== undefined && error !== null) fail(error);
    else respond(result);
  };
  const firstOnly = (answer) => (error, result) => {
    if (settled) return;
    settled = true;
    answer(error, result);
  };

  const callback = firstOnly((error, result) => {
    runtime.onEmptyLoop(null);
    if (error !== undefined && error !== null) fail(error);
    else if (!waitsForEmptyLoop) respond(result);
    else runtime.onEmptyLoop(() => respond(result));
  });
  const succeed = firstOnly((result) => done(null, result));
  const failWith = firstOnly((error) => done(error ?? kHandled, null));
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitsForEmptyLoop = value;
    },
    succeed,
    fail: failWith,
    done: firstOnly(done),
  };

  runtime.onEmptyLoop(() => {
    reported = true;
    if (isAsync) fail(new NodeJsExit());
    else runtime.respond(requestId, null);
  });
  forwardTraceId(headers);
  try {
    const event = JSON.parse(body);
    Object.assign(context, environment, headerFields(requestId, headers));
    const result = handler(event, context, callback);
    if (isPromise(result)) result.then(succeed, failWith);
  } catch (error) {
    callback(error);
  }
}

// Runs a streaming handler(event, responseStream, context) (lib/response_stream.js): it must
// return a promise, and have ended the stream by the time the promise settles.
async function invokeStreaming({ handler, runtime, environment, requestId, headers, body }) {
  runtime.onEmptyLoop(() => runtime.fail(requestId, new NodeJsExit()));
  forwardTraceId(headers);
  try {
    const event = JSON.parse(body);
    const context = { ...environment, ...headerFields(requestId, headers) };
    const stream = createResponseStream(handler);
    const result = handler(event, stream, context);
    if (!isPromise(result)) throw new Error('Streaming does not support non-async handlers.');
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
    if (!stream.writableEnded) throw new Error('Response stream is not finished.');
    await finished(stream);
    runtime.onEmptyLoop(null);
    const { body: bytes, contentType } = stream.response();
    runtime.respondRaw(requestId, bytes, contentType);
  } catch (error) {
    runtime.onEmptyLoop(null);
    runtime.fail(requestId, error);
  }
}

module.exports = { invoke, invokeStreaming, environmentFields };
