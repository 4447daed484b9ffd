// AwsClient: the few AWS API calls the seed application's handlers make (Lambda Invoke and
// CodeDeploy PutLifecycleEventHookExecutionStatus), over libcurl with SigV4 signing. The same code
// runs on AWS Lambda and inside the emulator; only the environment differs.
//
// Configuration comes from the invocation's Context, never from getenv() (see runtime/handler.h),
// using the variables the AWS SDKs read ("Environment variables" and "Service-specific endpoints"
// in the AWS SDKs and Tools Reference Guide):
//   AWS_REGION (else AWS_DEFAULT_REGION)               required
//   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY           required
//   AWS_SESSION_TOKEN                                  optional, sent as X-Amz-Security-Token
//   AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_CODEDEPLOY   one service's endpoint; else
//   AWS_ENDPOINT_URL                                   every service's endpoint; else
//   https://lambda.<region>.amazonaws.com, https://codedeploy.<region>.amazonaws.com
// An empty variable counts as unset.
// Lambda sets the region and credentials in every execution environment; the emulator sets them
// too (dummy credentials) and points AWS_ENDPOINT_URL at its own AWS port.
//
// Every call blocks the calling thread until the answer arrives or the timeout passes: call it
// only from a handler, which runs on an invocation worker, never on an I/O thread. An AwsClient
// holds no connection (each call makes its own libcurl handle): several threads may share one.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/handler.h"

namespace lambda_runtime {

// What Lambda's Invoke answered (AWS Lambda API Reference, "Invoke", response elements).
struct InvokeResult {
  int status = 0;  // HTTP status: 200 for a RequestResponse invocation
  // X-Amz-Function-Error ("Unhandled", ...); "" when the function succeeded.
  std::string function_error;
  // X-Amz-Executed-Version ("$LATEST", "1", ...); "" if absent.
  std::string executed_version;
  // The function's response (or error object) parsed as JSON; a body that is not JSON arrives as
  // a JSON string holding the raw text.
  nlohmann::json payload;
};

// What an AwsClient signs every request with (Signature Version 4): the region of the credential
// scope and the credentials.
struct AwsSigning {
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" = none
};

class AwsClient {
 public:
  // Limit for one whole call (connect + send + wait + receive); the connect alone gets
  // kConnectTimeout.
  static constexpr std::chrono::milliseconds kDefaultTimeout{30'000};
  static constexpr std::chrono::milliseconds kConnectTimeout{2'000};

  // Reads the region, credentials and endpoints from `context` (the context is not kept).
  // Throws FunctionError("AwsClientError", ...) when the region or the credentials are missing.
  explicit AwsClient(const Context& context, std::chrono::milliseconds timeout = kDefaultTimeout);

  // Lambda Invoke, synchronous (RequestResponse): POST
  // {lambda endpoint}/2015-03-31/functions/{FunctionName}/invocations with `payload` as the body.
  // `function_name` is a name, a partial ARN or an ARN, optionally ending in ":QUALIFIER". The
  // path carries only the function's name and the qualifier travels as ?Qualifier= (both forms
  // are Invoke's), so the path never needs escaping: libcurl before its canonical-path fix (7.88
  // among them) signs an escaped path as sent where AWS encodes it once more, which real Lambda
  // would refuse. The name from an ARN means the same function in the caller's account and
  // region, which is where a hook's target lives. A function that fails still answers 200 with
  // `function_error` set. Throws FunctionError("AwsClientError", ...) when no answer arrives or
  // the status is not 2xx (the message has the status, error type and message).
  InvokeResult invoke(std::string_view function_name, const nlohmann::json& payload) const;

  // CodeDeploy PutLifecycleEventHookExecutionStatus (JSON 1.1 protocol): reports a lifecycle
  // hook's outcome. `status` is "Succeeded" or "Failed", the only values CodeDeploy takes here.
  // Returns the lifecycleEventHookExecutionId CodeDeploy echoes ("" if the answer has none).
  // Throws as invoke().
  std::string put_lifecycle_event_hook_execution_status(
      std::string_view deployment_id, std::string_view lifecycle_event_hook_execution_id,
      std::string_view status) const;

  const std::string& region() const { return signing_.region; }
  // The endpoints chosen at construction, without a trailing '/':
  // "https://lambda.us-east-1.amazonaws.com", "http://127.0.0.1:3001".
  const std::string& lambda_endpoint() const { return lambda_endpoint_; }
  const std::string& codedeploy_endpoint() const { return codedeploy_endpoint_; }

 private:
  AwsSigning signing_;
  std::string lambda_endpoint_;
  std::string codedeploy_endpoint_;
  std::chrono::milliseconds timeout_;
};

}  // namespace lambda_runtime
