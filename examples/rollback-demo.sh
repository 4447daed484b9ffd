#!/usr/bin/env bash
# Rollback demo: deploys AppVersion=v3 with PostTrafficHookResult=Failed. oleoleole's
# AllAtOnce deployment moves its alias to the new version, then its post-traffic hook reports
# Failed: CodeDeploy rolls the alias back, `emulator deploy` exits 1 with the reason, and
# /oleoleole keeps answering v1. (whodis has no hooks: its canary succeeds and it serves v3.)
#
#   EMULATOR=build/emulator examples/rollback-demo.sh
#
# Exits 0 when all of that happened, 1 otherwise. Takes about 10 seconds.
set -euo pipefail
source "$(dirname "$0")/common.sh"

say "Starting the emulator (time scale 60: whodis's 5-minute canary takes 5 seconds)"
start_emulator --time-scale 60 --seed 1

before="$(version_of oleoleole)"
echo "/oleoleole answers version $before"
[[ "$before" == "v1" ]] || fail "/oleoleole answered $before before the deploy (expected v1)"

say "emulator deploy --parameter-overrides AppVersion=v3 PostTrafficHookResult=Failed"
set +e
timeout 40 "$EMULATOR" deploy --endpoint "$AWS_URL" \
  --parameter-overrides AppVersion=v3 PostTrafficHookResult=Failed 2>&1 |
  tee "$WORK/deploy.out" | sed -u 's/^/  [deploy]  /'
DEPLOY_CODE=${PIPESTATUS[0]}
set -e
echo "emulator deploy exited with $DEPLOY_CODE"
((DEPLOY_CODE == 1)) || fail "emulator deploy exited with $DEPLOY_CODE (expected 1: a rollback)"
grep -q "HOOK_EXECUTION_FAILURE" "$WORK/deploy.out" ||
  fail "emulator deploy did not give the hook failure as the reason"
grep -q "rolled back by d-" "$WORK/deploy.out" || fail "emulator deploy did not report the rollback"

say "After the rollback"
versions=""
for _ in $(seq 20); do versions+="$(version_of oleoleole) "; done
echo "/oleoleole answers: $versions"
echo "/whodis answers version $(version_of whodis) (its canary has no hooks, so it went ahead)"
for version in $versions; do
  [[ "$version" == "v1" ]] || fail "/oleoleole answered $version after the rollback (expected v1)"
done
echo
echo "PASS: the failed post-traffic hook rolled oleoleole back; it stays on v1"
