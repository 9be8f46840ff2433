#!/usr/bin/env bash
# Stops every process up.sh started (SIGTERM: stages close without committing unfinished work).
set -uo pipefail
source "$(dirname "$0")/env.sh"
for pid_file in "$RUN_DIR"/*.pid; do
  [ -f "$pid_file" ] || continue
  kill "$(cat "$pid_file")" 2>/dev/null && echo "stopped $(basename "$pid_file" .pid)"
  rm -f "$pid_file"
done
