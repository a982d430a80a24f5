#!/usr/bin/env bash
# Alternating end-to-end benchmark of two builds of chargeflow on the same input: the way to show that a change is
# faster on a shared machine whose speed drifts by tens of percent between minutes. Each side is built once in a
# worktree of its own; then `chargeflow bench` runs A, B, A, B, ... and the summary gives every run and the medians.
#
#   scripts/bench-ab.sh [--pairs N] BASE [NEW] -- BENCH_ARGS...
#
#   BASE, NEW   git revisions (NEW: HEAD). The worktrees go to ${CHARGEFLOW_AB_DIR:-/tmp/chargeflow-ab}.
#   --pairs N   alternating pairs (default 4)
#   BENCH_ARGS  passed to each `chargeflow bench` run, e.g.
#               --capture bench-data/bench-10000000-100000.pcap --rules examples/services.rules --cdrs --rounds 3
#               (relative paths are taken from the directory the script is run in)
#
# Per run it prints the bench's median line(s); at the end, per side, the plain and "with" medians of every run, their
# median, the median and range of all the measured rounds, and NEW's over BASE's both ways (a median of run medians
# can differ from the rounds' median when runs are few). With --isolate the figures are ns/record (lower is faster). The worktrees stay for the
# next comparison; `git worktree remove DIR` (or delete the directory and `git worktree prune`) when done.
set -euo pipefail
pairs=4
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift 2 ;;
    --) break ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ "$1" != "--" ] || { echo "usage: $0 [--pairs N] BASE [NEW] -- BENCH_ARGS..." >&2; exit 2; }
base=$1; shift
new=HEAD
if [ $# -gt 0 ] && [ "$1" != "--" ]; then new=$1; shift; fi
[ "${1:-}" = "--" ] && shift
case "$pairs" in ''|*[!0-9]*|0) echo "--pairs needs a positive number, got '$pairs'" >&2; exit 2 ;; esac

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
root=${CHARGEFLOW_AB_DIR:-/tmp/chargeflow-ab}
mkdir -p "$root"
worktree() {
  local sha
  sha=$(git -C "$repo" rev-parse --verify --quiet "$1^{commit}") || { echo "not a revision: $1" >&2; exit 2; }
  local dir="$root/$sha"
  if [ ! -d "$dir" ]; then
    git -C "$repo" worktree add --detach --quiet "$dir" "$sha"
  fi
  # the launcher builds on first use; a version call does it once, before any timed run
  "$dir/chargeflow" --version >/dev/null
  echo "$dir"
}
dirA=$(worktree "$base")
dirB=$(worktree "$new")
labelA="base $(git -C "$repo" rev-parse --short "$base")"
labelB="new  $(git -C "$repo" rev-parse --short "$new")"
log="$root/runs-$(date +%Y%m%d-%H%M%S).txt"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); runs logged to $log"

for i in $(seq "$pairs"); do
  for side in A B; do
    if [ $side = A ]; then dir=$dirA; label=$labelA; else dir=$dirB; label=$labelB; fi
    out=$("$dir/chargeflow" bench "$@" 2>&1) || { echo "$out" >&2; echo "bench failed ($label)" >&2; exit 1; }
    printf '%s\n' "$out" | sed "s/^/$side $i /" >>"$log"
    echo "$label pair $i: $(printf '%s\n' "$out" | grep -E '^median' | tr '\n' ' ')"
  done
done

python3 - "$log" "$labelA" "$labelB" <<'EOF'
import re, statistics, sys
log, labels = sys.argv[1], {"A": sys.argv[2], "B": sys.argv[3]}
runs = {"A": {"plain": [], "with": []}, "B": {"plain": [], "with": []}}
rounds = {"A": {"plain": [], "with": []}, "B": {"plain": [], "with": []}}
for line in open(log):
    side, _, text = line.split(" ", 2)
    m = re.match(r"median( with[^:]*)?: ([0-9.]+)", text)
    if m:
        runs[side]["with" if m.group(1) else "plain"].append(float(m.group(2)))
    # a measured round: its plain figure first, then (with rules or a directory) the other after "; with"
    r = re.match(r"round \d+ +(with[^0-9]*)?([0-9.]+) (?:Mpps|ns/record)(?:.*; with[^0-9]*([0-9.]+) (?:Mpps|ns/record))?", text)
    if r:
        if r.group(1):
            rounds[side]["with"].append(float(r.group(2)))
        else:
            rounds[side]["plain"].append(float(r.group(2)))
            if r.group(3):
                rounds[side]["with"].append(float(r.group(3)))
for kind in ("plain", "with"):
    a, b = runs["A"][kind], runs["B"][kind]
    if not a or not b:
        continue
    print(f"{kind}:")
    for side, values in (("A", a), ("B", b)):
        print(f"  {labels[side]}: median {statistics.median(values):.2f} of " + " ".join(f"{v:.2f}" for v in values))
        each = rounds[side][kind]
        if each:
            print(f"    its {len(each)} rounds: median {statistics.median(each):.2f}, range {min(each):.2f}-{max(each):.2f}")
    print(f"  new/base: {statistics.median(b) / statistics.median(a):.3f} (runs), "
          f"{statistics.median(rounds['B'][kind]) / statistics.median(rounds['A'][kind]):.3f} (rounds)"
          if rounds["A"][kind] and rounds["B"][kind] else
          f"  new/base: {statistics.median(b) / statistics.median(a):.3f}")
EOF
