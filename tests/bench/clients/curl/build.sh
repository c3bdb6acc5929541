#!/usr/bin/env bash
# Nothing to compile: puts run.sh and the gzip server's script where the scenarios find them ($BUILD,
# set by the harness).
set -euo pipefail
D=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:?BUILD is set by the harness}
command -v curl >/dev/null || { echo "curl is missing (apt-get install curl)" >&2; exit 1; }
mkdir -p "$BUILD"
cp "$D/run.sh" "$BUILD/curl_run.sh"
cp "$D/../../gzip_server" "$BUILD/hipp_gzip_server"  # h1-get-1g/gzip's nginx, as hipp's build.sh does
