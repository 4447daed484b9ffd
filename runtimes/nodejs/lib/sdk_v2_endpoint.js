'use strict';
// Points the AWS SDK for JavaScript v2 ("aws-sdk") at AWS_ENDPOINT_URL.
//
// SDK v3 reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> itself (from about 3.428,
// October 2023); no v2 release does (2.1693, the last, has no such code), so a handler using v2
// would call real AWS. When either variable is set, this hook waits for aws-sdk's
// lib/node_loader.js, which every way of loading v2 goes through ("aws-sdk", "aws-sdk/global",
// "aws-sdk/clients/x", from require or import) and which creates AWS.config, and then sets:
//   AWS.config.endpoint          = AWS_ENDPOINT_URL
//   AWS.config[<service>].endpoint = AWS_ENDPOINT_URL_<SERVICE>, <service> being the variable's
//                                   suffix in lower case without "_" (LAMBDA -> lambda,
//                                   API_GATEWAY -> apigateway; v2's identifier for most services)
// An endpoint given in code still wins; an endpoint the code already set on AWS.config is kept.
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns the hook off, as it turns the variables off for
// the SDKs that read them. A v2 bundled into one file (webpack, esbuild) is not seen.
//
// Cost: when installed, one string comparison per JavaScript file Node loads.

const Module = require('node:module');
const path = require('node:path');

const kPrefix = 'AWS_ENDPOINT_URL_';
const kLoader = `${path.sep}aws-sdk${path.sep}lib${path.sep}node_loader.js`;

function configure(AWS, env) {
  const config = AWS?.config;
  if (!config || typeof config !== 'object') return;
  if (env.AWS_ENDPOINT_URL && !config.endpoint) config.endpoint = env.AWS_ENDPOINT_URL;
  for (const [name, url] of Object.entries(env)) {
    if (!name.startsWith(kPrefix) || !url) continue;
    const service = name.slice(kPrefix.length).replaceAll('_', '').toLowerCase();
    const serviceConfig = config[service] ?? {};
    if (!serviceConfig.endpoint) config[service] = { ...serviceConfig, endpoint: url };
  }
}

function installSdkV2EndpointHook(env = process.env) {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return;
  if (!Object.keys(env).some((name) => name.startsWith('AWS_ENDPOINT_URL'))) return;
  const compileJs = Module._extensions['.js'];
  Module._extensions['.js'] = function (module, filename) {
    const result = compileJs.call(this, module, filename);
    if (filename.endsWith(kLoader)) configure(module.exports, env);
    return result;
  };
}

module.exports = { installSdkV2EndpointHook };
