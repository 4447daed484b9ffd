// An ES module handler (.mjs), as AWS's Node.js runtime loads it.
export const handler = async (event) => ({ esm: true, got: event });
