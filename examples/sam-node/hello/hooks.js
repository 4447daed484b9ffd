// The pre-traffic hook (CommonJS, callback style): invokes the version being deployed through the
// Lambda API and reports to CodeDeploy whether it answered 200 with this deployment's version.
// Node.js has no AWS SDK built in here, so the two calls are made with plain HTTP to the
// emulator's endpoint (AWS_ENDPOINT_URL); with the SDK installed the same code would use it.
const http = require("node:http");

function call(path, headers, body) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, process.env.AWS_ENDPOINT_URL);
    const request = http.request(url, { method: "POST", headers }, (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function check() {
  const target = process.env.CurrentFunctionVersion;
  const answer = await call(`/2015-03-31/functions/${encodeURIComponent(target)}/invocations`, {}, "{}");
  if (answer.status !== 200 || answer.headers["x-amz-function-error"]) return ["Failed", `${target} failed: ${answer.text}`];
  const payload = JSON.parse(answer.text);
  const version = JSON.parse(payload.body || "{}").version;
  if (payload.statusCode !== 200 || version !== process.env.APP_VERSION)
    return ["Failed", `${target} answered ${payload.statusCode} with version ${version}`];
  return ["Succeeded", `${target} answered 200 with version ${version}`];
}

exports.preTraffic = (event, context, callback) => {
  check()
    .then(([status, reason]) => {
      console.log(`${status}: ${reason}`);
      return call("/", {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus",
      }, JSON.stringify({
        deploymentId: event.DeploymentId,
        lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
        status,
      })).then(() => callback(null, { status, reason }));
    })
    .catch((error) => callback(error));
};
