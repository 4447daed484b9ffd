// A REQUEST authorizer (tests/templates/authorizers.yaml): allows GET /tenants/{id} when the query
// string key is "secret" and the X-Tenant header names the tenant of the path; denies otherwise.
exports.handler = async (event) => {
  console.log('request authorizer called: ' + JSON.stringify({
    type: event.type, methodArn: event.methodArn, path: event.path,
    tenant: event.headers['X-Tenant'] ?? event.headers['x-tenant'],
    key: event.queryStringParameters && event.queryStringParameters.key,
    hasBody: 'body' in event,
  }));
  const tenant = event.headers['X-Tenant'] ?? event.headers['x-tenant'];
  const allowed = event.queryStringParameters.key === 'secret' &&
    event.pathParameters.id === tenant;
  return {
    principalId: 'tenant-' + tenant,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: allowed ? 'Allow' : 'Deny',
                    Resource: event.methodArn }],
    },
    context: { tenant },
  };
};
