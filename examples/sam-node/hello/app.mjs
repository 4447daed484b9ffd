// GET /hello: the greeting and the version this deployment brings (an ES module, async handler).
export const handler = async (event, context) => {
  console.log(`hello from ${context.functionName} version ${context.functionVersion}`);
  return {
    statusCode: Number(process.env.HELLO_STATUS || 200),
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message: "Hello from Node.js", version: process.env.APP_VERSION }),
  };
};
