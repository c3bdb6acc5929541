#!/usr/bin/env bash
# Builds hipp (release, from this checkout) and hipp_bench into $BUILD, for the
# benchmark harness (EXTRA_CLIENT_DIRS=$PWD/tests/bench/clients ../shared/bench/run_anchors.sh).
set -euo pipefail
D=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$D/../../../.." && pwd)
BUILD=${BUILD:?BUILD is set by the harness}
mkdir -p "$BUILD"
"$ROOT/scripts/bootstrap"
[ -f "$ROOT/build-bench/build.ninja" ] || meson setup "$ROOT/build-bench" "$ROOT" -Dbuildtype=release -Dtests=false >/dev/null
ninja -C "$ROOT/build-bench" tests/bench/hipp_bench tests/bench/hipp_async_bench >/dev/null
cp "$ROOT/build-bench/tests/bench/hipp_bench" "$ROOT/build-bench/tests/bench/hipp_async_bench" "$BUILD/"
echo "hipp_bench: built from $ROOT"
