#!/usr/bin/env bash
# CI only: remove what an earlier, interrupted test run on this machine left in Docker. Leftover test
# stacks keep their health checks running and slow every test after them. Only test objects match:
# SSH test-bed nodes (label omnitron.test=ssh-node), end-to-end stacks (project e2e + 6 hex digits)
# and provider test projects (omnitron-it-*). The apt cache is kept: it is the test bed's cache.
set -euo pipefail

# test_projects KIND NAME-FIELD [ls flags]: names of KIND objects whose project is a test project.
test_projects() {
  docker "$1" ls "${@:3}" --format "{{.$2}} {{.Label \"dev.omnitron.project\"}}" \
    | awk '$2 ~ /^(e2e[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]|omnitron-it-.+)$/ { print $1 }'
}

containers=$( { docker ps -aq --filter label=omnitron.test=ssh-node; test_projects container Names -a; } | sort -u)
[ -z "$containers" ] || docker rm -f -v $containers >/dev/null
networks=$( { docker network ls -q --filter label=omnitron.test=ssh-node; test_projects network Name; } | sort -u)
[ -z "$networks" ] || docker network rm $networks >/dev/null
volumes=$(test_projects volume Name)
[ -z "$volumes" ] || docker volume rm $volumes >/dev/null
echo "removed leftovers of earlier test runs: $(echo $containers | wc -w) containers, $(echo $networks | wc -w) networks, $(echo $volumes | wc -w) volumes"
