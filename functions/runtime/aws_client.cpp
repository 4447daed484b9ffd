#include "runtime/aws_client.h"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "runtime/curl_handle.h"
#include "runtime/text.h"

namespace lambda_runtime {
namespace {

constexpr std::string_view kErrorType = "AwsClientError";
// Lambda's synchronous response limit is 6 MB; anything past this bound is not an AWS answer.
constexpr std::size_t kMaxResponseBody = 8u << 20;

[[noreturn]] void fail(const std::string& message) {
  throw FunctionError(std::string(kErrorType), message);
}

std::optional<std::string> non_empty_env(const Context& context, std::string_view name) {
  auto value = context.env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// "Service-specific endpoints" (AWS SDKs and Tools Reference Guide): AWS_ENDPOINT_URL_<SERVICE_ID>
// first, then AWS_ENDPOINT_URL, then the SDK's own regional endpoint.
std::string resolve_endpoint(const Context& context, std::string_view service_env_suffix,
                             std::string_view endpoint_prefix, const std::string& region) {
  auto url = non_empty_env(context, "AWS_ENDPOINT_URL_" + std::string(service_env_suffix));
  if (!url) url = non_empty_env(context, "AWS_ENDPOINT_URL");
  if (!url) return "https://" + std::string(endpoint_prefix) + "." + region + ".amazonaws.com";
  while (!url->empty() && url->back() == '/') url->pop_back();
  return *url;
}

// One HTTP answer as libcurl's callbacks write it. Headers are those of the final response: a
// header block that follows an interim one (100 Continue) starts over.
struct Answer {
  long status = 0;
  std::string body;
  std::string function_error;
  std::string executed_version;
  std::string error_type;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  std::size_t bytes = size * count;
  if (answer->body.size() + bytes > kMaxResponseBody) return 0;  // fails with CURLE_WRITE_ERROR
  answer->body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    answer->function_error.clear();
    answer->executed_version.clear();
    answer->error_type.clear();
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  auto name = trim(line.substr(0, colon));
  auto value = trim(line.substr(colon + 1));
  if (iequals(name, "X-Amz-Function-Error")) {
    answer->function_error = value;
  } else if (iequals(name, "X-Amz-Executed-Version")) {
    answer->executed_version = value;
  } else if (iequals(name, "X-Amzn-ErrorType")) {
    // "ResourceNotFoundException:http://internal.amazon.com/..." -> "ResourceNotFoundException"
    answer->error_type = value.substr(0, value.find(':'));
  }
  return bytes;
}

// " ResourceNotFoundException: Function not found: arn:..." from an AWS error answer. Lambda sends
// {"Type":"User","Message":...} with X-Amzn-ErrorType; CodeDeploy (JSON 1.1) sends
// {"__type":"com.amazonaws.codedeploy#DeploymentDoesNotExistException","message":...}.
std::string describe_error(const std::string& header_error_type, const std::string& body) {
  std::string type = header_error_type;
  std::string message;
  auto document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_object()) {
    if (type.empty() && document.contains("__type") && document["__type"].is_string()) {
      type = document["__type"].get<std::string>();
      type = type.substr(type.find('#') + 1);  // npos + 1 == 0 keeps the whole name
    }
    for (const char* key : {"Message", "message"})
      if (document.contains(key) && document[key].is_string()) {
        message = document[key].get<std::string>();
        break;
      }
  } else {
    message = body.substr(0, 200);
  }
  std::string text;
  if (!type.empty()) text += " " + type;
  if (!message.empty()) text += (type.empty() ? " " : ": ") + message;
  return text;
}

// A POST to sign and send; the references must outlive the post() call.
struct SignedPost {
  std::string_view operation;  // for messages: "Lambda Invoke of NAME"
  std::string_view service;    // SigV4 signing name: "lambda", "codedeploy"
  std::string url;
  std::vector<std::string> headers;  // full header lines, "Name: value"
  const std::string& body;
  const AwsSigning& signing;
  std::chrono::milliseconds timeout;
};

// Sends `request` and returns the 2xx answer. Throws FunctionError("AwsClientError", ...) naming
// the operation when no answer arrives (connection refused, timeout, ...) or the status is not 2xx.
Answer post(const SignedPost& request) {
  CurlEasy curl;
  CurlHeaderList header_list;
  for (const auto& header : request.headers) header_list.append(header.c_str());
  // Signed by libcurl along with the other request headers it sends.
  const AwsSigning& signing = request.signing;
  if (!signing.session_token.empty())
    header_list.append(("X-Amz-Security-Token: " + signing.session_token).c_str());

  Answer answer;
  char error_buffer[CURL_ERROR_SIZE] = {};
  // "aws:amz:<region>:<service>": AWS4-HMAC-SHA256 with X-Amz-Date and the credential scope
  // <date>/<region>/<service>/aws4_request ("Signature Version 4 signing process").
  std::string sigv4 = "aws:amz:" + signing.region + ":" + std::string(request.service);
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(handle, CURLOPT_USERNAME, signing.access_key_id.c_str());
  curl_easy_setopt(handle, CURLOPT_PASSWORD, signing.secret_access_key.c_str());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(AwsClient::kConnectTimeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // required for timeouts in threads
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    fail(std::string(request.operation) + ": no answer from " + request.url + ": " +
         (error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &answer.status);
  if (answer.status < 200 || answer.status > 299) {
    fail(std::string(request.operation) + " answered HTTP " + std::to_string(answer.status) +
         describe_error(answer.error_type, answer.body));
  }
  return answer;
}

}  // namespace

AwsClient::AwsClient(const Context& context, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  auto region = non_empty_env(context, "AWS_REGION");
  if (!region) region = non_empty_env(context, "AWS_DEFAULT_REGION");
  if (!region) fail("cannot call AWS: neither AWS_REGION nor AWS_DEFAULT_REGION is set");
  signing_.region = *region;

  auto key = non_empty_env(context, "AWS_ACCESS_KEY_ID");
  auto secret = non_empty_env(context, "AWS_SECRET_ACCESS_KEY");
  if (!key || !secret)
    fail("cannot sign AWS requests: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set");
  signing_.access_key_id = *key;
  signing_.secret_access_key = *secret;
  signing_.session_token = non_empty_env(context, "AWS_SESSION_TOKEN").value_or("");

  lambda_endpoint_ = resolve_endpoint(context, "LAMBDA", "lambda", signing_.region);
  codedeploy_endpoint_ = resolve_endpoint(context, "CODEDEPLOY", "codedeploy", signing_.region);
}

namespace {

// Splits "NAME", "NAME:Q", "ACCOUNT:function:NAME[:Q]" or "arn:...:function:NAME[:Q]" into the
// function's name and qualifier (AWS Lambda API Reference, "Invoke": FunctionName formats).
std::pair<std::string, std::string> name_and_qualifier(std::string_view function_name) {
  std::string_view rest = function_name;
  if (auto marker = rest.find(":function:"); marker != std::string_view::npos)
    rest = rest.substr(marker + 10);
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) return {std::string(rest), ""};
  return {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

}  // namespace

// AWS Lambda API Reference, "Invoke": POST /2015-03-31/functions/FunctionName/invocations.
InvokeResult AwsClient::invoke(std::string_view function_name,
                               const nlohmann::json& payload) const {
  std::string operation = "Lambda Invoke of " + std::string(function_name);
  std::string body = payload.dump();
  auto [name, qualifier] = name_and_qualifier(function_name);
  std::string url = lambda_endpoint_ + "/2015-03-31/functions/" + percent_encode(name) +
                    "/invocations";
  if (!qualifier.empty()) url += "?Qualifier=" + percent_encode(qualifier);
  auto response = post({.operation = operation,
                        .service = "lambda",
                        .url = url,
                        .headers = {"Content-Type: application/json"},
                        .body = body,
                        .signing = signing_,
                        .timeout = timeout_});
  InvokeResult result;
  result.status = static_cast<int>(response.status);
  result.function_error = std::move(response.function_error);
  result.executed_version = std::move(response.executed_version);
  result.payload = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (result.payload.is_discarded()) result.payload = std::move(response.body);
  return result;
}

// AWS CodeDeploy API Reference, "PutLifecycleEventHookExecutionStatus" (JSON 1.1 protocol:
// POST / with the operation in X-Amz-Target, as botocore's codedeploy 2014-10-06 model).
std::string AwsClient::put_lifecycle_event_hook_execution_status(
    std::string_view deployment_id, std::string_view lifecycle_event_hook_execution_id,
    std::string_view status) const {
  nlohmann::json request = {{"deploymentId", deployment_id},
                            {"lifecycleEventHookExecutionId", lifecycle_event_hook_execution_id},
                            {"status", status}};
  std::string body = request.dump();
  auto response =
      post({.operation = "CodeDeploy PutLifecycleEventHookExecutionStatus",
            .service = "codedeploy",
            .url = codedeploy_endpoint_ + "/",
            .headers = {"Content-Type: application/x-amz-json-1.1",
                        "X-Amz-Target: CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus"},
            .body = body,
            .signing = signing_,
            .timeout = timeout_});
  auto answer = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_object() && answer.contains("lifecycleEventHookExecutionId") &&
      answer["lifecycleEventHookExecutionId"].is_string())
    return answer["lifecycleEventHookExecutionId"].get<std::string>();
  return "";
}

}  // namespace lambda_runtime
