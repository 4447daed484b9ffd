#!/usr/bin/env bash
# Alarm rollback demo: no hook involved. whodis's canary (Canary10Percent5Minutes) is guarded by
# WhoDisErrorsAlarm (Errors of the live alias, Sum >= 1 in a minute). While traffic flows, deploy
# a version that fails 30 % of its requests (the WhoDisFailurePercent demo switch): during the
# canary 10 % of /whodis reaches it, the errors reach CloudWatch's metrics, the alarm goes to
# ALARM at the end of the minute, and CodeDeploy stops the deployment (ALARM_ACTIVE) and rolls it
# back. The real AWS CLI then shows the alarm, its history and the invocations.
#
#   EMULATOR=build/emulator examples/alarm-rollback-demo.sh
#
# Exits 0 when all of that happened, 1 otherwise. Takes about 15 seconds.
set -euo pipefail
source "$(dirname "$0")/common.sh"

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
aws_cli() { aws --endpoint-url "$AWS_URL" "$@"; }

# Time scale 30: the canary's 5 minutes take 10 seconds, room for a few failed requests even when
# a loaded machine slows the traffic loop (at 60, 5 seconds sometimes saw none).
say "Starting the emulator (time scale 30: a virtual minute, the alarm's period, takes 2 seconds)"
start_emulator --time-scale 30 --seed 1

alarm="$(aws_cli cloudwatch describe-alarms --query 'MetricAlarms[0].AlarmName' --output text)"
echo "The canary's alarm: $alarm"
[[ -n "$alarm" && "$alarm" != "None" ]] || fail "the template's alarm is not listed"

say "Traffic: /whodis about 50 times a second, in the background"
(
  while true; do
    curl -s -o /dev/null --max-time 2 "$API_URL/whodis" || true
    sleep 0.02
  done
) &
BACKGROUND_PIDS+=($!)
sleep 1

say "emulator deploy --parameter-overrides AppVersion=v2 WhoDisFailurePercent=30"
set +e
timeout 60 "$EMULATOR" deploy --endpoint "$AWS_URL" \
  --parameter-overrides AppVersion=v2 WhoDisFailurePercent=30 2>&1 |
  tee "$WORK/deploy.out" | sed -u 's/^/  [deploy]  /'
DEPLOY_CODE=${PIPESTATUS[0]}
set -e
echo "emulator deploy exited with $DEPLOY_CODE"
((DEPLOY_CODE == 1)) || fail "emulator deploy exited with $DEPLOY_CODE (expected 1: a rollback)"
grep -q "ALARM_ACTIVE" "$WORK/deploy.out" || fail "emulator deploy did not give ALARM_ACTIVE"
grep -q "Activated alarms: <$alarm>" "$WORK/deploy.out" || fail "the alarm is not named"
grep -q "rolled back by d-" "$WORK/deploy.out" || fail "emulator deploy did not report the rollback"

say "What CloudWatch recorded (the real AWS CLI)"
aws_cli cloudwatch describe-alarm-history --alarm-name "$alarm" --history-item-type StateUpdate \
  --query 'AlarmHistoryItems[].HistorySummary' --output text | tr '\t' '\n' | tee "$WORK/history"
grep -q "Alarm updated from OK to ALARM" "$WORK/history" || fail "no OK -> ALARM in the history"
aws_cli cloudwatch describe-alarm-history --alarm-name "$alarm" --history-item-type StateUpdate \
  --query 'AlarmHistoryItems[?contains(HistorySummary, `to ALARM`)] | [0].HistoryData' \
  --output text | python3 -c 'import json,sys; print("why:", json.load(sys.stdin)["newState"]["stateReason"])'

say "After the rollback"
versions=""
for _ in $(seq 20); do versions+="$(version_of whodis) "; done
echo "/whodis answers: $versions"
for version in $versions; do
  [[ "$version" == "v1" ]] || fail "/whodis answered $version after the rollback (expected v1)"
done
echo
echo "PASS: the alarm stopped whodis's canary and rolled it back to v1, with no hook involved"
