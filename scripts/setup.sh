#!/usr/bin/env bash
# Installs what building and testing Tailor needs on a bare Debian machine
# with rustup, node and npm: the wasm target, Chromium and its driver, CJK fonts,
# wasm-bindgen-cli at exactly Cargo.lock's version, and the npm packages.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v brotli >/dev/null; then
  step "apt: chromium chromium-driver brotli"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver brotli >/dev/null
fi

# Fonts for the screenshots in Chinese (Debian's base fonts have no CJK
# glyphs: every character would be a box); DejaVu, already there with
# Chromium, covers Hebrew and Arabic.
if ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
  step "apt: fonts-noto-cjk (Chinese, Japanese, Korean glyphs for screenshots)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

# wasm-bindgen's CLI must match the library exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  step "wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/terser ] || [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm packages (playwright-core, binaryen, axe-core, terser)"
  npm ci --no-audit --no-fund --loglevel=error
fi
