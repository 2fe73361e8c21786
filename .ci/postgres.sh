#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and prints
# its DSN; `.ci/postgres.sh stop DIR` stops it. Used by .ci/run, and by hand:
#   export PARLEY_TEST_POSTGRES=$(.ci/postgres.sh start)
# The cluster lives in a temporary directory owned by the postgres user
# (the server refuses to run as root). If initdb is missing, Debian's
# postgresql package is installed first. The cluster's directory is written
# to $PARLEY_PG_DIRFILE (default /tmp/parley-pg.last) for `stop`.
set -euo pipefail

find_bin() {
	if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
	local d
	for d in /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ]; then echo "$d"; return; fi
	done
}

as_postgres() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start)
	bin=$(find_bin)
	if [ -z "$bin" ]; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq postgresql >&2
		bin=$(find_bin)
	fi
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		useradd --system --user-group --home-dir /nonexistent postgres
	fi
	dir=$(mktemp -d /tmp/parley-pg.XXXXXX)
	chmod 755 "$dir"
	if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
	port=$(( 20000 + RANDOM % 20000 ))
	as_postgres "$bin/initdb" -D "$dir/data" -U parley --auth=trust --no-sync >/dev/null
	as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
		-o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=on -c max_connections=300" start >/dev/null
	echo "postgres://parley@127.0.0.1:$port/postgres?sslmode=disable"
	echo "$dir" > "${PARLEY_PG_DIRFILE:-/tmp/parley-pg.last}"
	;;
stop)
	dir=${2:-$(cat "${PARLEY_PG_DIRFILE:-/tmp/parley-pg.last}")}
	bin=$(find_bin)
	as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
	rm -rf "$dir"
	;;
esac
