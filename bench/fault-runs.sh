#!/usr/bin/env bash
# Runs the fault-injection test 5 times (seeds 1..5) and prints one summary line per run.
#   bash bench/fault-runs.sh                # 5000 notifications, 20 % faults
#   FAULT_NOTIFICATIONS=20000 RUNS=3 bash bench/fault-runs.sh
set -u
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
status=0
for seed in $(seq 1 "$runs"); do
  log=$(mktemp)
  start=$(date +%s)
  if FAULT_SEED=$seed npx vitest run test/fault/fault-injection.test.ts >"$log" 2>&1; then result=pass; else result=FAIL; status=1; fi
  summary=$(grep -o 'FAULT-SUMMARY .*' "$log" | head -1 | cut -c15-)
  echo "seed $seed: $result in $(( $(date +%s) - start )) s  $summary"
  [ "$result" = FAIL ] && grep -E 'AssertionError|Error:' "$log" | head -5
  rm -f "$log"
done
exit $status
