#!/usr/bin/env bash
# The soak (ci/soak.sh, make soak) for 3 minutes, sampled every 20 s:
# RSS flat within 10 %, nothing lost, verdict pass.
set -euo pipefail
SOAK_SECS=${SOAK_SECS:-180} SOAK_EVERY=${SOAK_EVERY:-20} \
	exec bash "$(dirname "$0")/../../ci/soak.sh" "$(dirname "${WBG:-build/wbguard}")"
