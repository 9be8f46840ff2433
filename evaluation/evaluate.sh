#!/usr/bin/env bash
# The quality report of a model bundle (dev.codi.evaluation.Evaluate). Examples:
#   evaluation/evaluate.sh                                        # models/codi-tiny, everything, 200 per cell → docs/quality.md
#   evaluation/evaluate.sh --samples 8 --steps 10 --sections directions,coherence --out /tmp/q.md --pictures /tmp/img
#   evaluation/evaluate.sh --bundle .cache/models/codi-tiny-random-20231120 --samples 8 --steps 10 \
#       --out docs/quality-random-bundle.md --pictures docs/img/random-bundle
set -euo pipefail
MAIN_JAVA_OPTS="${EVALUATE_JAVA_OPTS:--Xmx3g}" exec "$(dirname "${BASH_SOURCE[0]}")/../scripts/run-main.sh" \
  evaluation dev.codi.evaluation.Evaluate "$@"
