'use strict';
// Response streaming's API, which AWS's Node.js runtime puts in the global `awslambda`
// (src/UserFunction.js, src/HttpResponseStream.js): awslambda.streamifyResponse(handler) marks a
// handler(event, responseStream, context), and awslambda.HttpResponseStream.from(stream,
// {statusCode, headers, cookies}) makes a function URL / API response of it.
//
// The emulator's Runtime API takes whole responses, so here the stream is collected and posted
// in one piece once the handler's promise settles and the stream has ended: the bytes written,
// with the stream's content type (application/octet-stream unless setContentType changed it);
// or, after HttpResponseStream.from, an API Gateway / function URL proxy response
// {statusCode, headers, cookies, body, isBase64Encoded} made of the metadata and the bytes.
// The client gets the answer at the end, not as it is written.

const { Writable } = require('node:stream');

const kStreaming = Symbol.for('aws.lambda.runtime.handler.streaming');
const kHighWaterMark = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

class CollectedResponseStream extends Writable {
  constructor(highWaterMark) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.chunks = [];
    this.contentType = 'application/octet-stream';
    this.httpMetadata = undefined;
  }

  _write(chunk, _encoding, done) {
    this.chunks.push(chunk);
    done();
  }

  setContentType(contentType) {
    this.contentType = contentType;
  }

  // {body, contentType} to post as the invocation's response.
  response() {
    const bytes = Buffer.concat(this.chunks);
    if (this.httpMetadata === undefined) return { body: bytes, contentType: this.contentType };
    const text = bytes.toString('utf8');
    const isText = Buffer.from(text, 'utf8').equals(bytes);
    const { statusCode = 200, headers, cookies } = this.httpMetadata;
    const proxy = {
      statusCode,
      headers,
      cookies,
      body: isText ? text : bytes.toString('base64'),
      isBase64Encoded: !isText,
    };
    return { body: JSON.stringify(proxy), contentType: 'application/json' };
  }
}

function isStreamingHandler(handler) {
  return handler[kStreaming] === 'response';
}

function createResponseStream(handler) {
  const highWaterMark = parseInt(handler[kHighWaterMark], 10);
  return new CollectedResponseStream(Number.isNaN(highWaterMark) ? undefined : highWaterMark);
}

// Defines globalThis.awslambda unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1 or true.
function defineAwsLambdaGlobal(env = process.env) {
  const off = env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (off === '1' || off === 'true') return;
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[kStreaming] = 'response';
      if (typeof options?.highWaterMark === 'number') {
        handler[kHighWaterMark] = parseInt(options.highWaterMark, 10);
      }
      return handler;
    },
    HttpResponseStream: {
      from(stream, metadata) {
        stream.httpMetadata = metadata ?? {};
        return stream;
      },
    },
  };
}

module.exports = { defineAwsLambdaGlobal, isStreamingHandler, createResponseStream };
