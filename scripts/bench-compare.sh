#!/usr/bin/env bash
# Side-by-side end-to-end comparison on one generated capture, alternating runs, whole-process wall time:
#   chargeflow meter          (JVM start included, the launcher as a user runs it)
#   pcap_floor --mode engine  (the single-thread C reference in ../shared/bench; skipped when ../shared is absent)
#   pmacctd                   (per-IP aggregation of the same file, Debian package pmacct; skipped when absent)
# Prints the median of each and the ratios.
#
#   scripts/bench-compare.sh [--packets 10000000] [--subscribers 100000] [--rounds 3] [--dir bench-data]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
packets=10000000 subscribers=100000 rounds=3 dir="$here/bench-data"
while [ $# -gt 0 ]; do
  case "$1" in
    --packets) packets=$2; shift 2;;
    --subscribers) subscribers=$2; shift 2;;
    --rounds) rounds=$2; shift 2;;
    --dir) dir=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$dir"
cap="$dir/bench-${packets}-${subscribers}.pcap"
truth="$dir/bench-${packets}-${subscribers}.truth.csv"
if [ ! -f "$cap" ]; then
  "$here/chargeflow" gen --packets "$packets" --subscribers "$subscribers" --seed 1 --out "$cap" --truth "$truth" >&2
fi
cat "$cap" > /dev/null   # into the page cache

floor=""
shared="$here/../shared/bench/pcap_floor.c"
if [ -f "$shared" ] && command -v gcc >/dev/null; then
  floor="$dir/pcap_floor"
  [ -x "$floor" ] || gcc -O2 -march=native -o "$floor" "$shared"
fi
pmacct=""
command -v pmacctd >/dev/null && pmacct=$(command -v pmacctd)

now() { date +%s%N; }
declare -a t_cf t_floor t_pm
for ((r = 1; r <= rounds; r++)); do
  s=$(now); "$here/chargeflow" meter --quiet --out "$dir/usage.csv" "$cap"; e=$(now)
  t_cf+=($(( (e - s) / 1000000 )))
  if [ -n "$floor" ]; then
    s=$(now); "$floor" --mode engine --sub-vlan 100 --net-vlan 200 --csv "$dir/floor.csv" "$cap" 2>/dev/null; e=$(now)
    t_floor+=($(( (e - s) / 1000000 )))
  fi
  if [ -n "$pmacct" ]; then
    rm -f "$dir/pmacct.csv"
    s=$(now); "$pmacct" -I "$cap" -c src_host -P print -O csv -o "$dir/pmacct.csv" -r 0 >/dev/null 2>&1; e=$(now)
    t_pm+=($(( (e - s) / 1000000 )))
  fi
  echo "round $r: chargeflow ${t_cf[-1]} ms${floor:+, pcap_floor ${t_floor[-1]} ms}${pmacct:+, pmacctd ${t_pm[-1]} ms}" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_cf=$(median "${t_cf[@]}")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "capture: $cap ($(du -h "$cap" | cut -f1), $packets packets, $subscribers subscribers)"
echo "chargeflow meter (wall, JVM included): median ${m_cf} ms over $rounds rounds"
if [ -n "$floor" ]; then
  m_floor=$(median "${t_floor[@]}")
  echo "pcap_floor --mode engine:               median ${m_floor} ms"
  awk -v a="$m_cf" -v b="$m_floor" 'BEGIN {printf "ratio chargeflow / pcap_floor = %.2f (target <= 1.5)\n", a / b}'
else
  echo "pcap_floor: skipped (../shared/bench/pcap_floor.c absent or no gcc)"
fi
if [ -n "$pmacct" ]; then
  m_pm=$(median "${t_pm[@]}")
  echo "pmacctd per-IP (src_host):              median ${m_pm} ms"
  awk -v a="$m_cf" -v b="$m_pm" 'BEGIN {printf "ratio pmacctd / chargeflow = %.2f (target >= 10)\n", b / a}'
else
  echo "pmacctd: skipped (Debian package pmacct not installed)"
fi
