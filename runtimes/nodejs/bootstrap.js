'use strict';
// The emulator's Node.js runtime: runs a function's unchanged handler as AWS's Node.js runtime
// (aws-lambda-nodejs-runtime-interface-client) does, over the Lambda Runtime API.
//
//   node /path/to/runtimes/nodejs/bootstrap.js
//
// with the working directory at the task root and Lambda's environment (AWS_LAMBDA_RUNTIME_API,
// _HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_*, ...). One process serves invocations one
// at a time until it is stopped.
//
// INIT: patch console, load the handler's module once, then ask for events. A failure to load
// is logged ("Uncaught Exception"), posted to /runtime/init/error and ends the process (129).
// INVOKE: see lib/invocation.js. An exception nobody catches, or a promise rejected with nobody
// to handle it, is logged, posted as the invocation's error (the INIT error before the first
// event) and ends the process, with 129 and 128 as AWS's runtime ends: Lambda (the emulator)
// then starts a new one. SIGTERM ends the process with 0; a handler's own SIGTERM listeners get
// 500 ms first, as Lambda's shutdown phase gives them.

const { RuntimeApiClient } = require('./lib/runtime_api_client');
const { patchConsole, setRequestId } = require('./lib/log');
const { loadHandler, missingModuleHint } = require('./lib/handler_loader');
const { invoke, invokeStreaming, environmentFields } = require('./lib/invocation');
const { defineAwsLambdaGlobal, isStreamingHandler } = require('./lib/response_stream');
const { installSdkV2EndpointHook } = require('./lib/sdk_v2_endpoint');
const { UnhandledPromiseRejection, toErrorPayload } = require('./lib/errors');

const kUncaughtExceptionExit = 129;
const kUnhandledRejectionExit = 128;
const kShutdownGraceMs = 500;

function main() {
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    process.stderr.write('nodejs runtime: AWS_LAMBDA_RUNTIME_API is not set; exiting\n');
    process.exit(1);
  }
  const api = new RuntimeApiClient(address);
  const logError = patchConsole();
  installSdkV2EndpointHook();
  defineAwsLambdaGlobal();

  let requestId = null; // the invocation in progress (or the last one); null during INIT
  let emptyLoopAction = null;
  let ending = false;

  // Reports an error nothing else will, then exits: to /init/error during INIT, else as the
  // current invocation's error.
  const die = (error, status) => {
    if (ending) return;
    ending = true;
    api.postFatalError(requestId, toErrorPayload(error), () => process.exit(status));
  };
  process.on('uncaughtException', (error) => {
    logError('Uncaught Exception', error);
    die(error, kUncaughtExceptionExit);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', error);
    die(error, kUnhandledRejectionExit);
  });
  process.on('beforeExit', () => {
    const action = emptyLoopAction;
    emptyLoopAction = null;
    if (action) action();
  });
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(0);
    setTimeout(() => process.exit(0), kShutdownGraceMs).unref();
  });

  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handlerName = process.env._HANDLER ?? '';
  const environment = environmentFields();
  const next = () => api.next(onEvent);
  const runtime = {
    respond(id, result) {
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
      } catch {
        body = undefined;
      }
      if (body === undefined) {
        return runtime.fail(id, new Error('Unable to stringify response body'));
      }
      api.respond(id, body);
    },
    respondRaw(id, body, contentType) {
      api.respond(id, body, contentType);
    },
    fail(id, error) {
      logError('Invoke Error', error);
      api.fail(id, toErrorPayload(error));
    },
    onEmptyLoop(action) {
      emptyLoopAction = action;
    },
  };

  let handler;
  let invokeHandler;
  let isAsync;
  function onEvent(id, headers, body) {
    requestId = id;
    setRequestId(id);
    invokeHandler({ handler, isAsync, runtime, environment, requestId: id, headers, body });
  }

  loadHandler(taskRoot, handlerName).then(
    (loaded) => {
      handler = loaded;
      isAsync = handler.constructor?.name === 'AsyncFunction';
      invokeHandler = isStreamingHandler(handler) ? invokeStreaming : invoke;
      next();
    },
    (error) => {
      logError('Uncaught Exception', error);
      const hint = missingModuleHint(error, taskRoot, handlerName);
      if (hint) process.stderr.write(`nodejs runtime: hint: ${hint}\n`);
      die(error, kUncaughtExceptionExit);
    },
  );
}

main();
