#!/usr/bin/env bash
# The lab's tools (dev.codi.lab.Lab), also reached as `./codi lab <tool> ...`. Examples:
#   lab/lab.sh device-check --bundle models/codi-tiny --steps 20 --jobs 4
#   lab/lab.sh probe-environment --reader RIDGE
#   lab/lab.sh bench-training --steps 8
#   lab/lab.sh create-random-bundle --out /tmp/random --seed 1
set -euo pipefail
MAIN_JAVA_OPTS="${LAB_JAVA_OPTS:--Xmx4g}" exec "$(dirname "${BASH_SOURCE[0]}")/../scripts/run-main.sh" lab dev.codi.lab.Lab "$@"
