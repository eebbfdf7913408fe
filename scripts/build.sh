#!/usr/bin/env bash
# Builds pkg/: everything a site owner copies to their server.
#   pkg/tailor.js       classic-script loader with the wasm-bindgen glue inlined
#   pkg/tailor_bg.wasm  the widget, optimised for size with wasm-opt -Oz
# and prints a size report (raw, gzip, brotli) checked against budget.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${PKG_DIR:-pkg}
tmp=target/wasm-build
mkdir -p "$out" "$tmp"

# cdylib only here: listing it next to rlib in Cargo.toml silently drops LTO.
cargo rustc --lib --crate-type cdylib --profile wasm --target wasm32-unknown-unknown --quiet
wasm-bindgen --target no-modules --no-typescript --out-dir "$tmp" --out-name tailor \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/tailor.wasm"

wasm_opt=node_modules/.bin/wasm-opt
[ -x "$wasm_opt" ] || wasm_opt=$(command -v wasm-opt)
# wasm-streams (Leptos' server functions, unused by the widget) exports its
# stream adapters to JS; dropping those exports first lets -Oz remove their
# code, and prune-glue.mjs their classes in the glue.
# Two rounds of --flatten --rereloop between -Oz runs restructure the control
# flow that rustc and -Oz leave nested (2.4 KB brotli less than -Oz alone);
# global effects let -Oz drop calls without side effects and a last
# --dae-optimizing removes the arguments that left unused (0.75 KB); the
# producers and target-features sections are only metadata for tools.
"$wasm_opt" --remove-exports --pass-arg='remove-exports@*intounderlying*' \
  --generate-global-effects -Oz --flatten --rereloop -Oz --flatten --rereloop -Oz \
  --dae-optimizing -Oz --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$tmp/tailor_bg.wasm" -o "$out/tailor_bg.wasm"

node scripts/prune-glue.mjs "$tmp/tailor.js" "$out/tailor_bg.wasm" "$tmp/tailor.pruned.js"
node scripts/assemble-loader.mjs www/loader/tailor.js "$tmp/tailor.pruned.js" "$out/tailor.js"
# npm packaging for sites with a bundler (examples/bundler).
cp www/pkg-npm/package.json www/pkg-npm/tailor.d.ts "$out/"
node scripts/size-report.mjs "$out"
