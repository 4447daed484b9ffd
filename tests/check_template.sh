#!/usr/bin/env bash
# Checks that a SAM template passes cfn-lint with no errors and that the SAM translator
# (samtranslator) transforms it cleanly. Either tool may be missing (neither is a Debian 12
# package): then this says it skipped that check, and passes.
set -uo pipefail
template="${1:?usage: check_template.sh TEMPLATE}"
status=0

if command -v cfn-lint >/dev/null 2>&1; then
  if cfn-lint --format parseable "$template"; then
    echo "cfn-lint: $template passes"
  else
    echo "cfn-lint: $template has errors (above)"; status=1
  fi
else
  echo "cfn-lint: SKIPPED (not installed)"
fi

if python3 -c 'import samtranslator' >/dev/null 2>&1; then
  AWS_DEFAULT_REGION=us-east-1 python3 - "$template" <<'PY' || status=1
import sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse
from samtranslator.model.exceptions import InvalidDocumentException

class NoManagedPolicies:
    def get(self, name): return None
    def load(self): pass

path = sys.argv[1]
document = yaml_parse(open(path).read())
# The translator accepts only packaged templates, so do what `sam package` does first: a local
# CodeUri (on a function or in Globals.Function) becomes the S3 URI of the uploaded package.
global_function = (document.get("Globals") or {}).get("Function") or {}
if isinstance(global_function.get("CodeUri"), str) and \
        not global_function["CodeUri"].startswith("s3://"):
    global_function["CodeUri"] = "s3://sam-package-bucket/" + global_function["CodeUri"].lstrip("./")
for resource in document.get("Resources", {}).values():
    properties = resource.get("Properties") or {}
    uri = properties.get("CodeUri")
    if resource.get("Type") == "AWS::Serverless::Function" and isinstance(uri, str) \
            and not uri.startswith("s3://"):
        properties["CodeUri"] = "s3://sam-package-bucket/" + uri.lstrip("./")
try:
    out = transform(document, {}, NoManagedPolicies())
except InvalidDocumentException as error:
    for cause in error.causes:
        print(f"samtranslator: {path}: {cause.message}")
    sys.exit(1)
print(f"samtranslator: {path} translates to {len(out['Resources'])} resources: "
      + ", ".join(sorted(out['Resources'])))
PY
else
  echo "samtranslator: SKIPPED (python3 module samtranslator not installed)"
fi
exit $status
