#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), two at a time, and prints each
# target's executions and findings. Needs cargo-fuzz (`cargo install cargo-fuzz`); the
# machine's stable toolchain is enough: RUSTC_BOOTSTRAP lets cargo-fuzz pass its -Z flags.
#
#   scripts/fuzz.sh 600          # ten minutes per target
#   TARGETS="split url" scripts/fuzz.sh 120
#
# Crashes land in fuzz/artifacts/TARGET/; reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...
# and turn it into a unit test beside the code it broke. The seed corpus lives in
# fuzz/seeds/TARGET (committed); what libFuzzer learns goes to fuzz/corpus (not committed).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
targets="${TARGETS:-naming directives split checksum config url}"
jobs="${JOBS:-2}"
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >/dev/null
mkdir -p logs
run() {
  local t="$1"
  mkdir -p "corpus/$t" "seeds/$t"
  cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -max_len=4096 \
    >"logs/$t.log" 2>&1 && echo "$t: ok" || echo "$t: FAILED (see fuzz/logs/$t.log)"
  grep -E "^Done [0-9]+ runs|^#[0-9]+ *DONE" "logs/$t.log" | tail -1 | sed "s/^/$t: /" || true
  ls "artifacts/$t" 2>/dev/null | sed "s/^/$t: finding /" || true
}
export -f run
export seconds
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run {}'
