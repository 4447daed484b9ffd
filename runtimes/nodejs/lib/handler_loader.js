'use strict';
// Finds the handler named by _HANDLER as AWS's Node.js runtime does (src/UserFunction.js).
//
// "src/handlers/get.handler": the module "get" in "src/handlers/" under the task root, and in it
// the export "handler"; "app.obj.fn" is the export obj.fn of the module "app". The module is,
// in this order: the file or folder named exactly so (require), NAME.js (require, or import when
// the nearest package.json above it says "type": "module"), NAME.mjs (import), NAME.cjs
// (require), else NAME resolved as a package from the task root and from NODE_PATH (require).
//
// Errors, with AWS's types and messages:
//   Runtime.MalformedHandlerName  "Bad handler" (no "." in the last part), or a name with ".."
//   Runtime.ImportModuleError     "Error: Cannot find module 'app'\nRequire stack:\n- <path of
//                                 bootstrap.js>" (also when a CommonJS module requires a
//                                 package that is missing)
//   Runtime.UserCodeSyntaxError   "SyntaxError: <message>" (any SyntaxError while loading)
//   Runtime.HandlerNotFound       "app.nope is undefined or not exported" / "... is not a function"
// Anything else the module throws while loading (an ES module importing a missing package
// included) is passed on unchanged, as AWS passes it on.

const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const {
  HandlerNotFound,
  ImportModuleError,
  MalformedHandlerName,
  UserCodeSyntaxError,
} = require('./errors');

// User modules are required on behalf of bootstrap.js, so a "Require stack" names the runtime's
// entry point, as AWS's names /var/runtime/index.mjs.
const runtimeRequire = createRequire(path.join(__dirname, '..', 'bootstrap.js'));

// The parts of a handler string: {moduleRoot: "src/handlers/", moduleName: "get",
// exportPath: "handler"}. Throws Runtime.MalformedHandlerName.
function parseHandler(handler) {
  if (handler.includes('..')) {
    throw new MalformedHandlerName(
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root ` +
        'directories in handler names.',
    );
  }
  const last = path.basename(handler);
  const dot = last.indexOf('.');
  if (dot < 0) throw new MalformedHandlerName('Bad handler');
  return {
    moduleRoot: handler.slice(0, handler.length - last.length),
    moduleName: last.slice(0, dot),
    exportPath: last.slice(dot + 1),
  };
}

// Whether the nearest package.json above folder says "type": "module". The search stops at a
// node_modules folder (no) and at the root; an unreadable package.json counts as no.
function isModuleFolder(folder) {
  for (;;) {
    if (folder.endsWith(`${path.sep}node_modules`)) return false;
    const manifest = path.join(folder, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8'))?.type === 'module';
      } catch (error) {
        console.warn(
          `${manifest} cannot be read, it will be ignored for ES module detection purposes.`,
          error,
        );
        return false;
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) return false;
    folder = parent;
  }
}

async function importFile(file) {
  return import(pathToFileURL(file).href);
}

async function loadModule(taskRoot, moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  if (fs.existsSync(base)) return runtimeRequire(base);
  const js = `${base}.js`;
  if (fs.existsSync(js)) {
    return isModuleFolder(path.dirname(js)) ? importFile(js) : runtimeRequire(js);
  }
  if (fs.existsSync(`${base}.mjs`)) return importFile(`${base}.mjs`);
  if (fs.existsSync(`${base}.cjs`)) return runtimeRequire(`${base}.cjs`);
  return runtimeRequire(runtimeRequire.resolve(moduleName, { paths: [taskRoot, moduleRoot] }));
}

// Loads the module (once: Node caches it) and returns the handler function.
async function loadHandler(taskRoot, handler) {
  const { moduleRoot, moduleName, exportPath } = parseHandler(handler);
  let exported;
  try {
    exported = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    if (error?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(error);
    throw error;
  }
  const fn = exportPath.split('.').reduce((object, key) => object && object[key], exported);
  if (!fn) throw new HandlerNotFound(`${handler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${handler} is not a function`);
  return fn;
}

// One line telling what to do about a module that cannot be found, or undefined for other
// errors. The cause differs: the handler's own file is missing (wrong Handler or CodeUri, or
// code that must be built first), or a package it uses is not installed (including the AWS SDK,
// which Lambda's Node.js runtimes include and this one does not).
function missingModuleHint(error, taskRoot, handler) {
  if (!(error instanceof ImportModuleError) && error?.code !== 'ERR_MODULE_NOT_FOUND') return;
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(error.message)?.[1];
  if (missing === undefined) return;
  const { moduleRoot, moduleName } = parseHandler(handler);
  if (error instanceof ImportModuleError && missing === moduleName) {
    return (
      `${taskRoot} has no ${moduleRoot}${moduleName}.js, .mjs or .cjs: check the function's ` +
      'Handler and CodeUri; for code that must be built (TypeScript, esbuild), run `sam build` ' +
      'and point CodeUri at the build'
    );
  }
  if (missing.startsWith('/') || missing.startsWith('.')) {
    return `${missing} does not exist: if the code must be built, run \`sam build\``;
  }
  if (missing === 'aws-sdk' || missing.startsWith('@aws-sdk/')) {
    return (
      `'${missing}' is not installed: Lambda's Node.js runtime includes the AWS SDK, this ` +
      `emulator does not; add it to the function's package.json and run \`npm install\` in ` +
      `${taskRoot} (or \`sam build\`)`
    );
  }
  return (
    `'${missing}' is not installed: run \`npm install\` in ${taskRoot} (or \`sam build\`), ` +
    'or add the layer that provides it'
  );
}

module.exports = { loadHandler, parseHandler, missingModuleHint };
