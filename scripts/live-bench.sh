#!/usr/bin/env bash
# Live capture, side by side with dumpcap: a capture replayed at top speed (tcpreplay --topspeed) into one end of a
# veth pair while chargeflow, then dumpcap, capture the other end; alternating, so a machine whose speed drifts moves
# both alike. Per run: the replay's rate, frames captured and dropped, and the capturer's process CPU (user + system,
# from /proc). At the end chargeflow's last usage CSV is compared with `chargeflow meter` of dumpcap's last capture of
# the same replay (they must be equal when neither dropped a frame). CPU is counted until the capturer is stopped.
#
#   sudo scripts/live-bench.sh [--pairs N] CAPTURE [-- METER_ARGS...]
#
#   CAPTURE      a pcap or pcapng file (frames cut short by a snaplen arrive as broken packets: both sides see them alike)
#   --pairs N    alternating pairs (default 2)
#   METER_ARGS   passed to `chargeflow meter --interface ...`, e.g. --rules examples/services.rules
#
# Needs root (the veth pair, capturing), tcpreplay and dumpcap (Debian: apt-get install tcpreplay tshark).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pairs=2
if [ "${1:-}" = "--pairs" ]; then
  pairs=$2
  shift 2
fi
capture=${1:?usage: scripts/live-bench.sh [--pairs N] CAPTURE [-- METER_ARGS...]}
shift
[ "${1:-}" = "--" ] && shift
capture=$(readlink -f "$capture")
for tool in tcpreplay dumpcap ip; do
  command -v $tool >/dev/null 2>&1 || { echo "live-bench: $tool is needed" >&2; exit 1; }
done
send=cflb$$a
receive=cflb$$b
work=$(mktemp -d /tmp/chargeflow-live-bench.XXXXXX)
cleanup() {
  ip link del "$send" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ip link add "$send" type veth peer name "$receive"
for end in "$send" "$receive"; do
  sysctl -q -w "net.ipv6.conf.$end.disable_ipv6=1" >/dev/null
  ip link set "$end" mtu 9000 up
done
"$here/chargeflow" --version >/dev/null # builds once, before any timing

# CPU seconds (user + system) of a process and its threads, from /proc/PID/stat (fields 14 and 15, clock ticks)
cpu_of() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo "?"
}

# one run: WHO captures $receive while the capture is replayed into $send; prints a line
run() {
  local who=$1 pid out=$work/$1.out
  case $who in
    chargeflow) "$here/chargeflow" meter --interface "$receive" --status-every 0 --out "$work/usage.csv" "${meter_args[@]}" >"$out" 2>&1 & ;;
    dumpcap) dumpcap -q -i "$receive" -B 64 -w "$work/dumpcap.pcap" >"$out" 2>&1 & ;;
  esac
  pid=$!
  sleep 3 # the JVM starts and the capture opens
  local rate
  rate=$(tcpreplay --topspeed -q -i "$send" "$capture" 2>&1 | awk '/^Rated/ { print $6 }')
  sleep 2
  # the capturer's own process (the launcher execs java; dumpcap forks a child that captures)
  local capturer=$pid cpu
  [ "$who" = dumpcap ] && capturer=$(pgrep -P "$pid" | head -1 || echo "$pid")
  if [ ! -e "/proc/$pid/stat" ]; then echo "live-bench: $who stopped early:" >&2; cat "$out" >&2; exit 1; fi
  cpu=$(( $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
  cpu=$(awk -v t="$cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
  [ "$capturer" != "$pid" ] && cpu="$cpu + $(cpu_of "$capturer")"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  local got
  if [ "$who" = chargeflow ]; then
    got=$(grep -E '^  live:' "$out" | sed 's/^  live: *//')
  else
    got=$(grep -E 'received/dropped' "$out" | sed 's/.*: //')
  fi
  printf '%-10s replay %s pps; cpu %s s; %s\n' "$who" "$rate" "$cpu" "$got"
}

meter_args=("$@")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); capture $capture"
for i in $(seq "$pairs"); do
  run chargeflow
  run dumpcap
done
"$here/chargeflow" meter --quiet --out "$work/offline.csv" "${meter_args[@]}" "$work/dumpcap.pcap"
if cmp -s "$work/usage.csv" "$work/offline.csv"; then
  echo "usage: the live run's equals the offline meter of dumpcap's capture ($(($(wc -l <"$work/usage.csv") - 1)) subscribers)"
else
  echo "usage: the live run's differs from the offline meter of dumpcap's capture (a drop on either side?)"
  diff <(sort "$work/usage.csv") <(sort "$work/offline.csv") | head -5
  exit 1
fi
