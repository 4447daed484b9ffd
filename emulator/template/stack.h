// Stack: the resolved template, as plain immutable values. This is the whole contract between the
// template engine and the rest of the emulator: every intrinsic function, parameter, condition and
// Globals section has already been applied, so no other module ever sees YAML.
//
// Names and ids follow what CloudFormation and the SAM transform would create, so that `Ref` and
// `Fn::GetAtt` give the same shapes as on AWS (account 123456789012).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/template/source_location.h"

namespace emu::tmpl {

inline constexpr const char* kAccountId = "123456789012";

// Which kind of API Gateway API: a REST API (AWS::Serverless::Api, `Api` events) or an HTTP API
// (AWS::Serverless::HttpApi, `HttpApi` events).
enum class ApiKind { kRest, kHttp };

// The route key of an HTTP API's catch-all route, and the stage AWS serves without a path prefix.
inline constexpr const char* kDefaultRoute = "$default";
inline constexpr const char* kDefaultStage = "$default";

// An `Api` or `HttpApi` event of a function (SAM: AWS::Serverless::Function > Events > <name> >
// Type: Api | HttpApi).
// Where an authorizer reads one identity source (SAM's Identity: Header/Headers, QueryStrings,
// StageVariables, Context).
struct IdentitySource {
  enum class Where { kHeader, kQuery, kStageVariable, kContext } where = Where::kHeader;
  std::string name;  // "Authorization", "key", "identity.sourceIp"
};

// An authorizer of an API's Auth.Authorizers (SAM: LambdaTokenAuthorizer,
// LambdaRequestAuthorizer, CognitoAuthorizer).
struct AuthorizerSpec {
  enum class Kind { kLambdaToken, kLambdaRequest, kCognito };
  std::string name;                   // its key under Authorizers
  Kind kind = Kind::kLambdaToken;
  std::string function_arn;           // FunctionArn as resolved
  std::string function;               // the logical id of the template's function it names
  std::vector<IdentitySource> identity;  // TOKEN: the one header (Authorization by default)
  std::string validation_expression;  // TOKEN: Identity.ValidationExpression ("" = none)
  int ttl_seconds = 300;              // Identity.ReauthorizeEvery: 0 (no cache) to 3600
  std::vector<std::string> user_pool_arns;  // Cognito: UserPoolArn
  SourceLocation where;
  SourceLocation function_arn_where;
};

// An API's Auth (SAM: ApiAuth).
struct ApiAuth {
  std::vector<AuthorizerSpec> authorizers;
  std::string default_authorizer;     // DefaultAuthorizer: a name, "AWS_IAM", or "" for none
  bool api_key_required = false;      // ApiKeyRequired
  bool add_default_authorizer_to_cors_preflight = true;  // SAM's default
  SourceLocation where;

  const AuthorizerSpec* find(const std::string& name) const {
    for (const auto& authorizer : authorizers)
      if (authorizer.name == name) return &authorizer;
    return nullptr;
  }
};

// An Api event's Auth (SAM: ApiFunctionAuth).
struct EventAuth {
  std::optional<std::string> authorizer;  // a name of the API's Authorizers, "NONE", "AWS_IAM"
  std::optional<bool> api_key_required;
  std::vector<std::string> scopes;        // AuthorizationScopes
  SourceLocation authorizer_where;
};

struct ApiEvent {
  std::string name;        // the event's key under Events
  ApiKind kind = ApiKind::kRest;
  std::string path;        // as written, e.g. "/whodis" or "/items/{id}" or "/{proxy+}";
                           // "$default" for an HttpApi event without Path and Method
  std::string method;      // upper case: GET, POST, ... or ANY
  std::string api;         // logical id of the API: RestApiId's / ApiId's target, or
                           // "ServerlessRestApi" / "ServerlessHttpApi"
  std::string payload_format_version = "1.0";  // REST: always "1.0"; HttpApi: "2.0" by default
  int timeout_ms = 29000;  // TimeoutInMillis; REST's default 29,000, HTTP API's 30,000
  EventAuth auth;          // Auth (REST)
  SourceLocation where;    // the event's position
};

// SAM's DeploymentPreference of a function.
struct DeploymentPreference {
  bool enabled = true;
  std::string type;                 // e.g. "Canary10Percent5Minutes", "AllAtOnce", or a custom
                                    // AWS::CodeDeploy::DeploymentConfig's name
  std::string pre_traffic_hook;     // function name (as Ref of the hook function gives), or ""
  std::string post_traffic_hook;    // function name, or ""
  std::vector<std::string> alarms;  // alarm names, as resolved
  SourceLocation where;
  SourceLocation type_where;        // Type's value
};

// One entry of a function's Layers: a layer of the template (AWS::Serverless::LayerVersion, by
// Ref), whose ContentUri is local, or a layer version ARN from elsewhere, whose content is not.
struct FunctionLayer {
  std::string layer_logical_id;     // the template's layer, or "" for an ARN
  std::string content_uri;          // its ContentUri as written (relative to the template's folder)
  std::string arn;                  // an ARN from elsewhere ("" for the template's layer)
  SourceLocation where;             // the list item
};

// AWS::Serverless::Function after Globals and intrinsics.
struct FunctionSpec {
  std::string logical_id;
  std::string function_name;        // FunctionName, or the name CloudFormation would generate:
                                    // "<stack>-<LogicalId>-<13 upper alnum, stable>"
  std::string handler;              // Handler
  std::string runtime;              // Runtime
  std::string code_uri;             // CodeUri as written (relative to the template's folder)
  std::vector<std::string> architectures;  // default ["x86_64"]
  int timeout_seconds = 3;          // Timeout; SAM's default is 3
  int memory_mb = 128;              // MemorySize; SAM's default is 128
  std::map<std::string, std::string> environment;  // Environment.Variables
  std::optional<std::string> auto_publish_alias;   // AutoPublishAlias
  std::optional<DeploymentPreference> deployment_preference;
  std::optional<int> reserved_concurrency;         // ReservedConcurrentExecutions
  std::vector<ApiEvent> api_events;
  std::vector<FunctionLayer> layers;  // Layers, in order (a later layer's files win, as in /opt)
  SourceLocation where;             // the resource's position
  SourceLocation code_uri_where;    // CodeUri's position (or the resource's when inherited)
};

// A REST API's Cors (SAM: AWS::Serverless::Api > Cors): SAM adds an OPTIONS method to every path
// of the API answering with these headers. The values are header values as SAM takes them, the
// quotes of its "'...'" form removed ("*", "GET,POST").
struct RestCors {
  std::string allow_origin;                 // AllowOrigin (required)
  std::optional<std::string> allow_methods; // AllowMethods; absent: the path's methods (SAM)
  std::optional<std::string> allow_headers; // AllowHeaders
  std::optional<std::string> max_age;       // MaxAge
  bool allow_credentials = false;           // AllowCredentials
  SourceLocation where;
};

// An HTTP API's CorsConfiguration (AWS::ApiGatewayV2::Api Cors): the gateway itself answers
// preflight requests and adds the headers to responses for allowed origins.
struct HttpCors {
  std::vector<std::string> allow_origins;   // "*", "https://example.com"
  std::vector<std::string> allow_methods;   // upper case, or "*"
  std::vector<std::string> allow_headers;   // lower case, or "*"
  std::vector<std::string> expose_headers;
  std::optional<int> max_age;               // seconds
  bool allow_credentials = false;
  SourceLocation where;
};

// AWS::Serverless::Api or AWS::Serverless::HttpApi, or the implicit API SAM creates for events
// without RestApiId / ApiId: ServerlessRestApi (stage "Prod") or ServerlessHttpApi (stage
// "$default").
struct ApiSpec {
  std::string logical_id;
  ApiKind kind = ApiKind::kRest;
  std::string name;                 // Name, or the stack name as CloudFormation would use
  std::string stage_name;           // StageName; "$default" is an HTTP API's root stage
  std::string api_id;               // 10 lower-case alphanumerics, stable per stack + logical id
  bool implicit = false;            // true for the API SAM creates
  std::map<std::string, std::string> stage_variables;  // Variables / StageVariables
  std::vector<std::string> binary_media_types;  // REST BinaryMediaTypes ("image/png", "*/*")
  std::optional<RestCors> rest_cors;            // REST Cors
  std::optional<HttpCors> http_cors;            // HTTP API CorsConfiguration
  std::optional<ApiAuth> auth;                  // REST Auth
  SourceLocation where;
};

// AWS::CodeDeploy::DeploymentConfig with ComputePlatform Lambda (custom traffic shifting).
struct DeploymentConfigSpec {
  std::string logical_id;
  std::string name;                 // DeploymentConfigName, or a generated one
  enum class Kind { kAllAtOnce, kCanary, kLinear } kind = Kind::kAllAtOnce;
  int percentage = 0;               // canary: first step; linear: each step (1..99)
  int interval_minutes = 0;         // canary: wait before the rest; linear: between steps
  SourceLocation where;
};

// AWS::CloudWatch::Alarm (AWS CloudFormation User Guide, "AWS::CloudWatch::Alarm"): a metric alarm,
// read and checked; its evaluation is emulator/cloudwatch's (docs/alarms.md).
struct AlarmSpec {
  std::string logical_id;
  std::string name;                 // AlarmName, or the name CloudFormation would generate
  std::string description;
  std::string namespace_name;       // Namespace
  std::string metric_name;          // MetricName
  std::vector<std::pair<std::string, std::string>> dimensions;  // Name, Value (resolved)
  std::string statistic;            // Statistic, or ExtendedStatistic ("p99")
  int period_s = 60;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;      // DatapointsToAlarm, else EvaluationPeriods
  bool datapoints_to_alarm_set = false;  // whether the template gives DatapointsToAlarm
  double threshold = 0;
  std::string comparison_operator;
  std::string treat_missing_data = "missing";
  bool evaluate_low_sample_percentiles = true;  // EvaluateLowSampleCountPercentile: evaluate
  std::string unit;
  // Why the emulator cannot evaluate it (metric math, an anomaly band, a trimmed mean), or "".
  std::string not_evaluated;
  SourceLocation where;
};

// A resource of a type the emulator does not run; it is kept and listed once at start.
struct OtherResource {
  std::string logical_id;
  std::string type;
};

struct Output {
  std::string key;
  std::string value;                // resolved
  std::string description;
  std::string export_name;          // Export.Name, or ""
};

struct Stack {
  std::string template_path;
  std::string stack_name;
  std::string region;
  std::string account_id = kAccountId;
  std::string partition;            // "aws", "aws-cn" or "aws-us-gov", from the region
  std::string url_suffix;           // "amazonaws.com" (".com.cn" in China regions)

  // Every declared parameter's value in force (CommaDelimitedList values joined with ",").
  std::map<std::string, std::string> parameters;

  std::vector<FunctionSpec> functions;        // template order
  std::vector<ApiSpec> apis;                  // template order; the implicit one first
  std::vector<DeploymentConfigSpec> deployment_configs;
  std::vector<AlarmSpec> alarms;              // template order
  std::vector<OtherResource> not_emulated;    // template order
  std::vector<Output> outputs;                // template order
  std::vector<std::string> warnings;          // things a user should see at start

  const FunctionSpec* find_function(const std::string& logical_id) const {
    for (const auto& f : functions)
      if (f.logical_id == logical_id) return &f;
    return nullptr;
  }
  const ApiSpec* find_api(const std::string& logical_id) const {
    for (const auto& a : apis)
      if (a.logical_id == logical_id) return &a;
    return nullptr;
  }
};

}  // namespace emu::tmpl
