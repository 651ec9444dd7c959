#!/bin/sh
# Records what one RedisCostBench run (warm-up and measured pass, LIFECYCLES each) sends Redis, as a replay file.
#   bench/replay/capture.sh REDIS_SERVER OUT.jsonl [LIFECYCLES]
# Run from the repository root after `./mvnw -q -DskipTests install`; needs redis-cli (Debian: redis-tools).
# KEEP_MONITOR=1 keeps the raw `redis-cli monitor` output as OUT.jsonl.mon: it also shows the commands the scripts ran.
set -eu
server=$1; out=$2; lifecycles=${3:-3000}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
"$server" --port "$port" --dir "$data" --appendonly yes --save '' >/dev/null &
redis=$!
trap 'kill $redis 2>/dev/null; rm -rf "$data"; [ -n "${KEEP_MONITOR:-}" ] || rm -f "$out.mon"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
redis-cli -p "$port" monitor > "$out.mon" 2>/dev/null &
monitor=$!
until redis-cli -p "$port" client list | grep -q 'cmd=monitor'; do sleep 0.1; done
./mvnw -q -f bench/pom.xml exec:java -Dbench.main=io.switchboard.bench.RedisCostBench -Dexec.args="1 $lifecycles" \
    -Dswitchboard.repoRoot="$PWD" -Dbench.redisUrl="redis://127.0.0.1:$port"
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
wait $monitor || true # its output is complete once Redis has closed the connection
python3 "$(dirname "$0")/monitor_to_replay.py" "$out.mon" "$out"
