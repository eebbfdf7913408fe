#!/usr/bin/env bash
# Fuzzes every parser Tailor runs on input it does not control (catalog
# feeds, stored state, settings, page commands, JSON-LD, text analysis, the
# co-purchase model file, the owner's ranking rules) and the link/image
# sanitizer, each for a fixed time, and prints a summary: runs, coverage,
# corpus size, and any crash or hang.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]   (default 600 s each, all targets)
#
# Separate from scripts/test.sh: it takes an hour at the default. Needs
# cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; without
# one, stable is used with RUSTC_BOOTSTRAP=1 (libFuzzer's sanitizer flags).
# Crashes land in fuzz/artifacts/<target>/; each one found becomes a
# regression test in tests/ before it is fixed. The growing corpus lives in
# fuzz/corpus/<target>/ (not committed); fuzz/seeds/<target>/ is the
# committed starting point.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 2
fi
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/fuzz/target}

all=$(cargo fuzz list)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets <<<"$all"

cargo "${toolchain[@]}" fuzz build || exit 2

summary=()
failed=0
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
  max_len=4096
  [ "$target" = catalog ] && max_len=65536
  log=$(mktemp)
  printf '\n== fuzz %s for %s s\n' "$target" "$seconds"
  # -timeout: one input taking 10 s is a hang (a quadratic path), reported as a crash.
  cargo "${toolchain[@]}" fuzz run "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 2>&1 | tee "$log" | grep -E '^(#[0-9]+ +(INITED|DONE|REDUCE|NEW)|==|SUMMARY|thread|Done)' | tail -n 6
  status=${PIPESTATUS[0]}
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -oE '^#[0-9]+[[:space:]]+DONE[[:space:]]+cov: [0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  files=$(find "$corpus" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    verdict="no crash"
  else
    verdict="CRASH (see fuzz/artifacts/$target/)"
    failed=1
  fi
  summary+=("$(printf '%-10s %6s s  %12s runs  cov %6s  corpus %6s  %s' "$target" "$seconds" "$runs" "$cov" "$files" "$verdict")")
  rm -f "$log"
done

printf '\n== fuzz summary\n'
printf '%s\n' "${summary[@]}"
exit $failed
