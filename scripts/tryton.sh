#!/usr/bin/env bash
# tryton.sh — a throwaway Tryton 6.0 (Debian packages, SQLite) on 127.0.0.1 for the tryton
# connector's tests and examples/tryton.
#
#   scripts/tryton.sh prepare   install missing packages, build the seeded database cache
#   scripts/tryton.sh up        prepare, copy the cached database, start trytond, wait until ready
#   scripts/tryton.sh down      stop the trytond that `up` started (by its PID file)
#
# Settings (environment):
#   TRYTON_DIR    runtime directory: config, databases, log, PID file (default $TMPDIR/accord-tryton)
#   TRYTON_PORT   port on 127.0.0.1 (default 18000)
#   TRYTON_DB     database name, the first segment of the URL path (default tryton)
#   TRYTON_CACHE  seeded databases, kept across runs (default ~/.cache/accord/tryton)
#   TRYTON_SKIP_APT=1  fail instead of calling apt-get for missing packages
#
# `up` prints KEY=value lines: TRYTON_URL, TRYTON_USER, TRYTON_PASSWORD, TRYTON_DB_DIR (where
# database files live: a copy of TRYTON_TEMPLATE under another name is another database),
# TRYTON_TEMPLATE and TRYTON_PID. The admin password is "admin": the server is reachable from
# this machine only and holds test data only.
set -euo pipefail

cmd=${1:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TRYTON_DIR=${TRYTON_DIR:-${TMPDIR:-/tmp}/accord-tryton}
TRYTON_PORT=${TRYTON_PORT:-18000}
TRYTON_DB=${TRYTON_DB:-tryton}
TRYTON_CACHE=${TRYTON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/accord/tryton}
TRYTON_SKIP_APT=${TRYTON_SKIP_APT:-0}
PY=/usr/bin/python3 # the system Python: it is the one that imports trytond and proteus
MODULES="party company currency country product account account_invoice sale"
PACKAGES="tryton-server tryton-proteus python3-pycountry curl"
for m in $MODULES; do PACKAGES="$PACKAGES tryton-modules-${m//_/-}"; done
password=admin

log() { printf 'tryton.sh: %s\n' "$*" >&2; }

install_packages() {
  local missing="" p
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  if [ "$TRYTON_SKIP_APT" = 1 ]; then
    log "missing packages:$missing (TRYTON_SKIP_APT=1)"
    return 1
  fi
  log "installing$missing"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
  fi
  # Package lists may exist but be stale on a machine that was imaged long ago: update once and retry.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
  }
}

# write_config DIR PORT writes DIR/trytond.conf for databases in DIR/db.
write_config() {
  mkdir -p "$1/db"
  cat > "$1/trytond.conf" <<CONF
[web]
listen = 127.0.0.1:$2
root = /nonexistent
[database]
uri = sqlite://
path = $1/db
language = en
[session]
timeout = 3600
# The tests reject logins on purpose; the default (5) would lock admin out for an hour.
max_attempt = 1000
max_attempt_ip_network = 100000
CONF
}

# cache_key changes with the server version, the modules and the seed script.
cache_key() {
  { dpkg-query -W -f='${Version}' tryton-server; echo " $MODULES"; cat "$here/tryton_seed.py"; } | sha256sum | cut -c1-16
}

# prepare builds the seeded database once per cache key, under a lock so that parallel test
# packages build it once.
prepare() {
  install_packages
  mkdir -p "$TRYTON_CACHE"
  local key file build
  key=$(cache_key)
  file=$TRYTON_CACHE/$key.sqlite
  exec 9>"$TRYTON_CACHE/.lock"
  flock 9
  if [ ! -s "$file" ]; then
    build=$(mktemp -d "${TMPDIR:-/tmp}/accord-tryton-build.XXXXXX")
    log "building seeded database $key (modules: $MODULES)"
    write_config "$build" 0
    : > "$build/db/seed.sqlite" # the SQLite backend opens, never creates, the file
    printf '%s\n' "$password" > "$build/admin.pass"
    if ! { TRYTONPASSFILE=$build/admin.pass trytond-admin -c "$build/trytond.conf" -d seed --all --email admin@example.com \
        && trytond-admin -c "$build/trytond.conf" -d seed -u $MODULES --activate-dependencies \
        && trytond_import_currencies -c "$build/trytond.conf" -d seed \
        && $PY "$here/tryton_seed.py" "$build/trytond.conf" seed; } > "$build/build.log" 2>&1; then
      tail -40 "$build/build.log" >&2
      rm -rf "$build"
      return 1
    fi
    cp "$build/db/seed.sqlite" "$file.tmp" && mv "$file.tmp" "$file"
    rm -rf "$build"
  fi
  flock -u 9
  echo "$file"
}

running() {
  [ -f "$TRYTON_DIR/trytond.pid" ] && kill -0 "$(cat "$TRYTON_DIR/trytond.pid")" 2>/dev/null
}

up() {
  local template url login resp
  template=$(prepare)
  if running; then
    log "trytond already running (pid $(cat "$TRYTON_DIR/trytond.pid")); run down first"
    return 1
  fi
  write_config "$TRYTON_DIR" "$TRYTON_PORT"
  cp "$template" "$TRYTON_DIR/db/$TRYTON_DB.sqlite"
  nohup trytond -c "$TRYTON_DIR/trytond.conf" > "$TRYTON_DIR/trytond.log" 2>&1 < /dev/null &
  echo $! > "$TRYTON_DIR/trytond.pid"
  url=http://127.0.0.1:$TRYTON_PORT/$TRYTON_DB/
  login='{"id":1,"method":"common.db.login","params":["admin",{"password":"'$password'"},"en"]}'
  for _ in $(seq 1 150); do
    if resp=$(curl -fsS -X POST "$url" -H 'Content-Type: application/json' -d "$login" 2>/dev/null) &&
      [[ $resp == *'"result":['* ]]; then
      echo "TRYTON_URL=$url"
      echo "TRYTON_USER=admin"
      echo "TRYTON_PASSWORD=$password"
      echo "TRYTON_DB_DIR=$TRYTON_DIR/db"
      echo "TRYTON_TEMPLATE=$template"
      echo "TRYTON_PID=$(cat "$TRYTON_DIR/trytond.pid")"
      return 0
    fi
    running || break
    sleep 0.2
  done
  log "trytond did not become ready; its log:"
  tail -40 "$TRYTON_DIR/trytond.log" >&2
  down
  return 1
}

down() {
  local pid
  [ -f "$TRYTON_DIR/trytond.pid" ] || return 0
  pid=$(cat "$TRYTON_DIR/trytond.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$TRYTON_DIR/trytond.pid"
  rm -rf "$TRYTON_DIR/db"
}

case $cmd in
  prepare) prepare > /dev/null ;;
  up) up ;;
  down) down ;;
  *) echo "usage: $0 prepare|up|down" >&2; exit 2 ;;
esac
