// Handlers of tests/templates/node-functions.yaml (CommonJS): unchanged Node.js code, as on AWS.
exports.context = async (event, context) => {
  console.log("a line from console.log");
  console.error("a line from console.error");
  return {
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    remaining: context.getRemainingTimeInMillis(),
    callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
    cwd: process.cwd(),
    env: {
      AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV,
      LAMBDA_TASK_ROOT: process.env.LAMBDA_TASK_ROOT,
      APP_SETTING: process.env.APP_SETTING,
    },
    event,
  };
};

exports.api = async (event) => ({
  statusCode: 200,
  headers: { "Content-Type": "application/json", "X-Runtime": "nodejs" },
  body: JSON.stringify({ path: event.path, method: event.httpMethod, query: event.queryStringParameters }),
});

// Callback style: the answer is posted once the event loop is empty (the timer has run).
exports.callback = (event, context, callback) => {
  setTimeout(() => console.log("the timer ran before the answer"), 20);
  callback(null, { answered: true });
};

exports.boom = async () => {
  throw new TypeError("boom from node");
};

exports.sleepy = () => new Promise((resolve) => setTimeout(resolve, 10000));

exports.crash = () => { process.exit(3); };

// A package of a layer (node-layer/nodejs/node_modules/greeting), found through NODE_PATH.
exports.fromLayer = async () => require("greeting").greeting();
