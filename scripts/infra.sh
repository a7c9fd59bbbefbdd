#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL + Redis (Debian packages), Kafka 3.9 in KRaft mode
# (jars from Maven Central) and Apicurio Registry 3.3 (Confluent-compatible API, in-memory H2).
#
#   bash scripts/infra.sh up|down|status|reset [postgres|redis|kafka|registry ...]   (default: all)
#
#   up      start what is not running (idempotent), create the project databases
#   down    stop kafka/registry; stop postgres/redis only if this script started them
#   status  print each component up/down (always exits 0)
#   reset   kafka/registry only: stop, wipe state (.infra/kafka/data; registry is in-memory), start again
#
# Clients: KAFKA_BROKERS=127.0.0.1:9092  SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7
#          DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db>  REDIS_URL=redis://127.0.0.1:6379
# Details and rationale: /work/shared/infra/NOTES.md sections 2 and 3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INFRA=$ROOT/.infra # git-ignored: jars, data, pids, logs
ALL=(postgres redis kafka registry)
DATABASES=(call_processor booking cost call_processor_test booking_test cost_test)

KAFKA_DIR=$INFRA/kafka
KAFKA_LIBS=$KAFKA_DIR/libs
KAFKA_DATA=$KAFKA_DIR/data
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/infra/kafka/pom.xml")
KAFKA_CLUSTER_ID=5L6g3nShT-eMCtK--X86sw # fixed, so re-running the format step is always a no-op
REG_DIR=$INFRA/apicurio
REG_VERSION=3.3.3
REG_URL=http://127.0.0.1:8081/apis/ccompat/v7

if [ -t 1 ]; then G=$'\e[32m' Y=$'\e[33m' R=$'\e[31m' N=$'\e[0m'; else G='' Y='' R='' N=''; fi
ok() { printf '%s: %s%s%s\n' "$1" "$G" "$2" "$N"; }
note() { printf '%s: %s%s%s\n' "$1" "$Y" "$2" "$N"; }
die() { printf '%s: %s%s%s\n' "$1" "$R" "$2" "$N" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_of() { [ -s "$1" ] && cat "$1"; }
# Alive and really ours: guards against a stale pid file whose pid was reused by another process.
pid_alive() { # <pidfile> <word in its command line>
  local pid; pid=$(pid_of "$1") || return 1
  kill -0 "$pid" 2>/dev/null && grep -qaF -- "$2" "/proc/$pid/cmdline" 2>/dev/null
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# setsid: the JVM gets its own session, so it outlives this shell and its terminal/CI step.
# The inner shell writes its own pid and then execs, so the pid file holds the JVM's pid.
start_bg() { # <pidfile> <logfile> <command...>
  local pidf=$1 log=$2 i; shift 2
  rm -f "$pidf"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" >"$log" 2>&1 </dev/null &
  for ((i = 0; i < 100; i++)); do [ -s "$pidf" ] && return; sleep 0.05; done
  die "$(basename "$pidf" .pid)" "could not start: $*"
}

wait_ready() { # <name> <pidfile> <marker> <logfile> <timeout s> <ready-check function> <start time>
  local name=$1 pidf=$2 marker=$3 log=$4 timeout=$5 check=$6 t0=$7
  while ! "$check"; do
    if ! pid_alive "$pidf" "$marker"; then
      tail -n 30 "$log" >&2
      die "$name" "process exited before becoming ready (log: ${log#"$ROOT"/})"
    fi
    if awk -v a="$t0" -v b="$(now)" -v t="$timeout" 'BEGIN { exit !(b - a > t) }'; then
      tail -n 30 "$log" >&2
      stop_pid "$name" "$pidf" "$marker" >/dev/null
      die "$name" "not ready after ${timeout}s, stopped it (log: ${log#"$ROOT"/})"
    fi
    sleep 0.5
  done
}

stop_pid() { # <name> <pidfile> <marker>: SIGTERM (graceful), SIGKILL after 20 s
  local name=$1 pidf=$2 marker=$3 pid i
  if ! pid_alive "$pidf" "$marker"; then rm -f "$pidf"; ok "$name" "not running"; return; fi
  pid=$(pid_of "$pidf")
  kill -TERM "$pid"
  for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; note "$name" "killed (pid $pid ignored SIGTERM for 20s)"
  else ok "$name" "stopped (pid $pid)"; fi
  rm -f "$pidf"
}

apt_install() { # <component> <package>
  note "$1" "not installed: apt-get install $2"
  apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
}
mark_started() { mkdir -p "$INFRA/started" && touch "$INFRA/started/$1"; }

# ---------------------------------------------------------------- postgres
pg_ready() { pg_isready -q -h 127.0.0.1 2>/dev/null; }
pg_cluster() { ls /etc/postgresql | sort -V | tail -n 1; }
postgres_up() {
  if pg_ready; then
    ok postgres "already running (127.0.0.1:5432)"
  else
    if ! command -v pg_ctlcluster >/dev/null; then
      apt_install postgresql postgresql
      # Debian's default is scram for TCP; the project connects as postgres over 127.0.0.1 without password.
      sed -i '1i host all all 127.0.0.1/32 trust' /etc/postgresql/"$(pg_cluster)"/main/pg_hba.conf
      pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main reload 2>/dev/null || true
    fi
    if ! pg_ready; then
      pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main start
      mark_started postgres
      for _ in $(seq 60); do pg_ready && break; sleep 0.5; done
      pg_ready || die postgres "not answering on 127.0.0.1:5432 after 30s (see /var/log/postgresql/)"
    fi
    ok postgres "started (127.0.0.1:5432)"
  fi
  local db have created=()
  have=$(psql -h 127.0.0.1 -U postgres -tAc 'SELECT datname FROM pg_database') ||
    die postgres "cannot connect as user postgres to 127.0.0.1:5432 (needs trust auth in pg_hba.conf)"
  for db in "${DATABASES[@]}"; do
    grep -qx "$db" <<<"$have" && continue
    createdb -h 127.0.0.1 -U postgres "$db" || die postgres "createdb $db failed"
    created+=("$db")
  done
  [ ${#created[@]} -eq 0 ] || ok postgres "created databases: ${created[*]}"
}
postgres_down() {
  if [ -f "$INFRA/started/postgres" ] && pg_ready; then
    pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main stop && ok postgres "stopped"
  elif pg_ready; then note postgres "left running (not started by this script)"
  else ok postgres "not running"; fi
  rm -f "$INFRA/started/postgres"
}
postgres_status() { if pg_ready; then ok postgres "up (127.0.0.1:5432)"; else note postgres "down"; fi; }

# ---------------------------------------------------------------- redis
redis_ready() { [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ]; }
redis_up() {
  if redis_ready; then ok redis "already running (127.0.0.1:6379)"; return; fi
  command -v redis-server >/dev/null || apt_install redis redis-server
  if ! redis_ready; then # the package may have started one itself
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    mark_started redis
    for _ in $(seq 20); do redis_ready && break; sleep 0.25; done
    redis_ready || die redis "not answering on 127.0.0.1:6379 (log: /var/log/redis/ci.log)"
  fi
  ok redis "started (127.0.0.1:6379)"
}
redis_down() {
  if [ -f "$INFRA/started/redis" ] && redis_ready; then
    redis-cli -h 127.0.0.1 shutdown nosave >/dev/null 2>&1 || true
    ok redis "stopped"
  elif redis_ready; then note redis "left running (not started by this script)"
  else ok redis "not running"; fi
  rm -f "$INFRA/started/redis"
}
redis_status() { if redis_ready; then ok redis "up (127.0.0.1:6379)"; else note redis "down"; fi; }

# ---------------------------------------------------------------- kafka
kafka_ready() { grep -q 'Kafka Server started' "$KAFKA_DIR/broker.log" 2>/dev/null && port_open 9092; }
kafka_up() {
  local t0 pidf=$KAFKA_DIR/broker.pid log=$KAFKA_DIR/broker.log; t0=$(now)
  if pid_alive "$pidf" kafka.Kafka; then
    kafka_ready || wait_ready kafka "$pidf" kafka.Kafka "$log" 90 kafka_ready "$t0"
    ok kafka "already running (127.0.0.1:9092)"; return
  fi
  port_open 9092 && die kafka "127.0.0.1:9092 is in use by a process this script did not start"
  local jar missing=0
  for jar in "kafka_2.13-$KAFKA_VERSION" "kafka-tools-$KAFKA_VERSION" slf4j-reload4j-1.7.36; do
    [ -f "$KAFKA_LIBS/$jar.jar" ] || missing=1
  done
  if [ $missing = 1 ]; then
    note kafka "fetching Kafka $KAFKA_VERSION jars from Maven Central into ${KAFKA_LIBS#"$ROOT"/}"
    mvn -B -Dstyle.color=never -f "$ROOT/infra/kafka/pom.xml" package -Dkafka.libs.dir="$KAFKA_LIBS" \
      >"$KAFKA_DIR/mvn.log" 2>&1 || { tail -n 30 "$KAFKA_DIR/mvn.log" >&2; die kafka "mvn failed (log: .infra/kafka/mvn.log)"; }
    t0=$(now)
  fi
  # StorageTool has no --override, so both tools read a generated copy with an absolute log.dirs (last key wins).
  mkdir -p "$KAFKA_DATA"
  { cat "$ROOT/infra/kafka/server.properties"; echo "log.dirs=$KAFKA_DATA"; } >"$KAFKA_DIR/server.properties"
  local java=${KAFKA_JAVA:-java} # OpenJDK 17; Kafka 3.9 is not meant for Java 25
  local opts=(-Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true
    "-Dlog4j.configuration=file:$ROOT/infra/kafka/log4j.properties" -cp "$KAFKA_LIBS/*")
  # --ignore-formatted: formats on first start only, so topics survive down/up.
  "$java" "${opts[@]}" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" \
    -c "$KAFKA_DIR/server.properties" --ignore-formatted >"$KAFKA_DIR/format.log" 2>&1 ||
    { cat "$KAFKA_DIR/format.log" >&2; die kafka "storage format failed (log: .infra/kafka/format.log)"; }
  start_bg "$pidf" "$log" "$java" "${opts[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
  wait_ready kafka "$pidf" kafka.Kafka "$log" 90 kafka_ready "$t0"
  ok kafka "started (127.0.0.1:9092) in $(elapsed "$t0")s, pid $(pid_of "$pidf"), log .infra/kafka/broker.log"
}
kafka_down() { stop_pid kafka "$KAFKA_DIR/broker.pid" kafka.Kafka; }
kafka_status() {
  if pid_alive "$KAFKA_DIR/broker.pid" kafka.Kafka; then
    if kafka_ready; then ok kafka "up (127.0.0.1:9092)"; else note kafka "starting (.infra/kafka/broker.log)"; fi
  elif port_open 9092; then note kafka "up (127.0.0.1:9092), not started by this script"
  else note kafka "down"; fi
}
kafka_reset() { kafka_down; rm -rf "$KAFKA_DATA"; ok kafka "wiped .infra/kafka/data"; kafka_up; }

# ---------------------------------------------------------------- registry
java_major() { "$1" -version 2>&1 | awk -F'"' 'NR == 1 { split($2, v, "."); m = (v[1] == "1") ? v[2] : v[1]; print m + 0 }'; }
registry_java() { # Apicurio 3.2+ is compiled for Java 21
  local j
  if [ -n "${REGISTRY_JAVA:-}" ]; then
    [ "$(java_major "$REGISTRY_JAVA" 2>/dev/null || echo 0)" -ge 21 ] 2>/dev/null ||
      die registry "REGISTRY_JAVA=$REGISTRY_JAVA is not a Java >= 21"
    echo "$REGISTRY_JAVA"; return
  fi
  for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] && [ "$(java_major "$j")" -ge 21 ] 2>/dev/null && { echo "$j"; return; }
  done
  die registry "needs Java >= 21 (none in /usr/lib/jvm); install one or set REGISTRY_JAVA=/path/to/bin/java"
}
registry_ready() { curl -fs -o /dev/null --max-time 2 "$REG_URL/subjects"; }
registry_up() {
  local t0 pidf=$REG_DIR/registry.pid log=$REG_DIR/registry.log java; t0=$(now)
  if pid_alive "$pidf" quarkus-run.jar; then
    registry_ready || wait_ready registry "$pidf" quarkus-run.jar "$log" 120 registry_ready "$t0"
    ok registry "already running ($REG_URL)"; return
  fi
  port_open 8081 && die registry "127.0.0.1:8081 is in use by a process this script did not start"
  java=$(registry_java)
  if [ ! -f "$REG_DIR/dist/quarkus-run.jar" ]; then
    # The 'all' assembly is the ready-to-run Quarkus fast-jar layout (quarkus-run.jar at its top level).
    local tgz=$REG_DIR/apicurio-registry-app-$REG_VERSION-all.tar.gz
    note registry "fetching Apicurio Registry $REG_VERSION from Maven Central"
    mkdir -p "$REG_DIR" && rm -rf "$REG_DIR/dist" "$REG_DIR/dist.partial" && mkdir "$REG_DIR/dist.partial"
    # -Dtransitive=false: resolving the app's own dependencies would hit repositories we cannot reach.
    (cd "$REG_DIR" && mvn -B -Dstyle.color=never dependency:copy -Dtransitive=false -DoutputDirectory=. \
      -Dartifact="io.apicurio:apicurio-registry-app:$REG_VERSION:tar.gz:all" >mvn.log 2>&1) ||
      { tail -n 30 "$REG_DIR/mvn.log" >&2; die registry "mvn failed (log: .infra/apicurio/mvn.log)"; }
    tar xzf "$tgz" -C "$REG_DIR/dist.partial" && mv "$REG_DIR/dist.partial" "$REG_DIR/dist"
    rm -f "$tgz" # ~150 MB; Maven keeps its own copy in ~/.m2
    t0=$(now)
  fi
  # Defaults changed: port 8080 -> 8081, management 9000 -> 9001, access log off, JDBC pool 20 -> 2.
  # Storage stays the default in-memory H2: empty on every start.
  start_bg "$pidf" "$log" "$java" -Xms128m -Xmx384m \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=8081 \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=9001 \
    -Dquarkus.http.access-log.enabled=false \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 \
    -jar "$REG_DIR/dist/quarkus-run.jar"
  wait_ready registry "$pidf" quarkus-run.jar "$log" 120 registry_ready "$t0"
  ok registry "started ($REG_URL) in $(elapsed "$t0")s, pid $(pid_of "$pidf"), log .infra/apicurio/registry.log"
}
registry_down() { stop_pid registry "$REG_DIR/registry.pid" quarkus-run.jar; }
registry_status() {
  if registry_ready; then ok registry "up ($REG_URL)"
  elif pid_alive "$REG_DIR/registry.pid" quarkus-run.jar; then note registry "starting (.infra/apicurio/registry.log)"
  elif port_open 8081; then note registry "port 8081 open but $REG_URL not answering"
  else note registry "down"; fi
}
registry_reset() { registry_down; ok registry "state is in-memory (H2): a restart wipes it"; registry_up; }

# ---------------------------------------------------------------- main
usage() { echo "usage: bash scripts/infra.sh up|down|status|reset [${ALL[*]}]" >&2; exit 2; }
cmd=${1:-}
[ $# -gt 0 ] && shift
for c in "$@"; do [[ " ${ALL[*]} " == *" $c "* ]] || { echo "unknown component: $c" >&2; usage; }; done
comps=()
for c in "${ALL[@]}"; do [ $# -eq 0 ] || [[ " $* " == *" $c "* ]] && comps+=("$c"); done
mkdir -p "$KAFKA_DIR" "$REG_DIR"

case $cmd in
  up) for c in "${comps[@]}"; do "${c}_up"; done ;;
  down) for ((i = ${#comps[@]} - 1; i >= 0; i--)); do "${comps[i]}_down"; done ;;
  status) for c in "${comps[@]}"; do "${c}_status" || true; done; exit 0 ;;
  reset)
    for c in "${comps[@]}"; do
      case $c in kafka | registry) "${c}_reset" ;; *) note "$c" "reset not supported (left as is)" ;; esac
    done ;;
  *) usage ;;
esac
