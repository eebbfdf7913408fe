#!/usr/bin/env bash
# Runs every check and test Tailor has, as CI does:
#   format and lints (native and wasm), native tests (core, the command),
#   browser tests of the widget (wasm-bindgen-test in headless Chromium),
#   the widget build with its size budget, and end-to-end tests of the demo
#   shop in Chromium under the strict CSP.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh

step "format"
cargo fmt --check

step "lints (native, then the wasm widget)"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --tests --target wasm32-unknown-unknown --quiet -- -D warnings
# Tailor as a Leptos library (examples/leptos_embed.rs) must keep compiling.
cargo clippy --example leptos_embed --target wasm32-unknown-unknown --quiet -- -D warnings

step "native tests"
cargo test --quiet

step "browser tests of the widget (wasm-bindgen-test, headless Chromium)"
CHROMEDRIVER=$(command -v chromedriver) \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test 'wasm_*'

step "widget build and size budget"
bash scripts/build.sh

step "end-to-end: the demo shop in Chromium"
cargo build --quiet --bin tailor
tailor=${CARGO_TARGET_DIR:-target}/debug/tailor
"$tailor" demo --out target/demo-site --pkg pkg
TAILOR_BIN="$tailor" TAILOR_SITE=target/demo-site npm run --silent test:e2e
