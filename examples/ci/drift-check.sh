#!/bin/sh
# Nightly drift check for any CI: runs `omnitron drift` once, prints the Markdown report, appends it to
# $GITHUB_STEP_SUMMARY when that is set, and exits with drift's own code:
#   0 no drift; 2 changed outside omnitron or apps not running as configured;
#   3 only config changes not yet applied; 1 error (bad config, unreachable node, missing key, ...).
#
# Environment (from the CI's secret store, never from the repository):
#   OMNITRON_STATE_KEY   the state key the stack's state is sealed with (required)
#   OMNITRON_STATE_URL   where the shared state lives, e.g. postgres://... (optional; default: the state file)
#   OMNITRON_STACK       the stack to check (default: production)
#   OMNITRON_CONFIG      the config file (default: omnitron.config.ts in the current directory)
#   OMNITRON_BIN         the omnitron command (default: npx --no-install omnitron)
#   DRIFT_REPORT         where to keep the Markdown report (default: drift-report.md)
#   DRIFT_IGNORE         space-separated addresses of known noise, passed as --ignore (optional)
#   DRIFT_ALLOW_PENDING  set to 1 to exit 0 when the only findings are config changes not yet applied
set -eu

: "${OMNITRON_STATE_KEY:?set OMNITRON_STATE_KEY from a CI secret}"
stack=${OMNITRON_STACK:-production}
config=${OMNITRON_CONFIG:-omnitron.config.ts}
report=${DRIFT_REPORT:-drift-report.md}
# A CI secret that is not set arrives as an empty variable: that means "no shared state", not an empty URL.
if [ -z "${OMNITRON_STATE_URL:-}" ]; then unset OMNITRON_STATE_URL; fi

omnitron() {
  if [ -n "${OMNITRON_BIN:-}" ]; then "$OMNITRON_BIN" "$@"; else npx --no-install omnitron "$@"; fi
}

set -- drift --config "$config" --stack "$stack" --format markdown --no-color
for address in ${DRIFT_IGNORE:-}; do set -- "$@" --ignore "$address"; done

status=0
omnitron "$@" >"$report" || status=$?

cat "$report"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$report" >>"$GITHUB_STEP_SUMMARY"; fi

case $status in
  0) echo "omnitron drift: no drift on stack $stack" ;;
  2) echo "omnitron drift: stack $stack drifted (changed outside omnitron or apps not running as configured)" >&2 ;;
  3)
    echo "omnitron drift: stack $stack has config changes not yet applied" >&2
    if [ "${DRIFT_ALLOW_PENDING:-0}" = 1 ]; then status=0; fi
    ;;
  *) echo "omnitron drift: the check itself failed (exit $status); see the messages above" >&2 ;;
esac
exit "$status"
