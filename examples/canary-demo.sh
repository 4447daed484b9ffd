#!/usr/bin/env bash
# Canary demo: whodis (DeploymentPreference Canary10Percent5Minutes) goes from AppVersion v1 to
# v2 while traffic flows. With --time-scale 60 the 5-minute canary plays in 5 seconds: the
# observed split of real requests goes 100/0 -> 90/10 -> 0/100.
#
#   EMULATOR=build/emulator examples/canary-demo.sh
#   TEMPLATE=examples/sam-python/template.yaml examples/canary-demo.sh     # the Python original
#   TEMPLATE=examples/sam-node/template.yaml CANARY_ROUTE=hello examples/canary-demo.sh
#
# Exits 0 when the split was 100% v1 before the deploy, about 10% v2 during the canary and
# 100% v2 after it; 1 otherwise. Takes about 15 seconds.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ROUTE="${CANARY_ROUTE:-whodis}"  # a route whose function has a Canary10Percent5Minutes preference
TRAFFIC="$WORK/traffic.log"  # one line per request: "<epoch seconds> <version>"
TRAFFIC_LOOPS=3              # concurrent clients: enough requests for a steady 10 % estimate

# Requests /$ROUTE back to back until killed.
send_traffic() {
  local body version
  while true; do
    body="$(curl -s --max-time 2 "$API_URL/$ROUTE" || true)"
    version="error"
    [[ "$body" =~ $VERSION_FIELD ]] && version="${BASH_REMATCH[1]}"
    echo "$EPOCHREALTIME $version" >>"$TRAFFIC"
  done
}

# split FROM TO: "v1/v2 percentages and count" of the requests answered between the two epoch
# times, e.g. "90/10 n=212" (requests that failed count as neither and are reported).
split() {
  awk -v from="$1" -v to="$2" '
    $1 >= from && $1 < to { n++; count[$2]++ }
    END {
      if (n == 0) { print "-/- n=0"; exit }
      line = sprintf("%d/%d n=%d", 100 * count["v1"] / n + 0.5, 100 * count["v2"] / n + 0.5, n)
      if (count["error"] > 0) line = line " errors=" count["error"]
      print line
    }' "$TRAFFIC"
}

# v2_percent FROM TO: the v2 share in percent (integer), or -1 when there was no request.
v2_percent() {
  awk -v from="$1" -v to="$2" '
    $1 >= from && $1 < to { n++; if ($2 == "v2") v2++ }
    END { print (n == 0 ? -1 : int(100 * v2 / n + 0.5)) }' "$TRAFFIC"
}

now() { echo "$EPOCHREALTIME"; }
plus() { awk -v t="$1" -v d="$2" 'BEGIN { printf "%.6f", t + d }'; }

say "Starting the emulator (time scale 60: one virtual minute per real second)"
start_emulator --time-scale 60 --seed 1

say "Sending traffic to /$ROUTE continuously ($TRAFFIC_LOOPS clients)"
: >"$TRAFFIC"
for _ in $(seq "$TRAFFIC_LOOPS"); do
  send_traffic &
  BACKGROUND_PIDS+=($!)
done
BEFORE_START="$(now)"
sleep 1.5
BEFORE_END="$(now)"
echo "before the deploy (v1/v2): $(split "$BEFORE_START" "$BEFORE_END")"

say "emulator deploy --parameter-overrides AppVersion=v2 (waits for the deployments)"
DEPLOY_START="$(now)"
timeout 40 "$EMULATOR" deploy --endpoint "$AWS_URL" --parameter-overrides AppVersion=v2 \
  > >(sed -u 's/^/  [deploy]  /') 2>&1 &
DEPLOY_PID=$!
second=0
while kill -0 "$DEPLOY_PID" 2>/dev/null; do
  sleep 1
  second=$((second + 1))
  t="$(now)"
  echo "  [traffic] +${second}s  last second v1/v2: $(split "$(plus "$t" -1)" "$t")"
done
DEPLOY_CODE=0
wait "$DEPLOY_PID" || DEPLOY_CODE=$?
DEPLOY_END="$(now)"
((DEPLOY_CODE == 0)) || fail "emulator deploy exited with $DEPLOY_CODE (124: it did not finish in 40 s)"

sleep 1.5
AFTER_END="$(now)"
AFTER_START="$(plus "$AFTER_END" -1.2)"

# The canary holds 10 % from the first step (just after the deploy starts) until 5 virtual
# minutes = 5 real seconds later; leave a second of margin at both ends.
CANARY_START="$(plus "$DEPLOY_START" 1)"
CANARY_END="$(plus "$DEPLOY_START" 4)"
say "Observed split of /$ROUTE (v1/v2, percent of real requests)"
echo "  before the deploy:   $(split "$BEFORE_START" "$BEFORE_END")"
echo "  during the canary:   $(split "$CANARY_START" "$CANARY_END")"
echo "  after the deploy:    $(split "$AFTER_START" "$AFTER_END")"

before="$(v2_percent "$BEFORE_START" "$BEFORE_END")"
during="$(v2_percent "$CANARY_START" "$CANARY_END")"
after="$(v2_percent "$AFTER_START" "$AFTER_END")"
((before == 0)) || fail "before the deploy v2 had $before% of the traffic (expected 0%)"
((during >= 3 && during <= 20)) ||
  fail "during the canary v2 had $during% of the traffic (expected about 10%)"
((after == 100)) || fail "after the deploy v2 had $after% of the traffic (expected 100%)"
echo
echo "PASS: canary 100/0 -> $((100 - during))/$during -> 0/100"
