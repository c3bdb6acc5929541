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
# The gzip-serving nginx of h1-get-1g/gzip (hipp's and curl's rows): `$BUILD/hipp_gzip_server url` starts
# it on first use; tests/bench/run stops it at the end.
cp "$ROOT/tests/bench/gzip_server" "$BUILD/hipp_gzip_server"
echo "hipp_bench: built from $ROOT"
