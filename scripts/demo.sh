#!/usr/bin/env bash
# One command from a fresh clone to the demo shop in a browser: installs
# what is missing, builds the widget into pkg/, builds the demo shop with
# its bundled 600-product catalog and serves it under the strict CSP.
#   bash scripts/demo.sh            # http://127.0.0.1:8080/
#   PORT=9000 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cargo build --quiet --bin tailor
tailor=${CARGO_TARGET_DIR:-target}/debug/tailor
"$tailor" demo --out target/demo-site --pkg pkg
exec "$tailor" serve target/demo-site --port "${PORT:-8080}"
