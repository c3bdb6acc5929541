#!/usr/bin/env bash
# The curl command line tool for the scenarios the harness's curl-cli adapter has no row for: uploads
# (-F, --data-binary) and --compressed downloads. The whole process runs under the harness's rusage.
#
#   run.sh BYTES URL [curl args...]
#
# BYTES is what the scenario moves, reported as bytes=: the decoded size for a --compressed download
# (curl counts the wire's bytes), the file's size for an upload; curl's own counts go in down= and up=.
# wall = curl's time_total (process start-up excluded); CPU and max RSS are the whole process's.
set -uo pipefail
bytes=$1 url=$2; shift 2
out=$(mktemp) ru=$(mktemp)
trap 'rm -f "$out" "$ru"' EXIT
"$RUSAGE" -o "$ru" -- curl -sS -o /dev/null \
  -w '%{http_code} %{size_download} %{size_upload} %{time_total} %{http_version} %{num_connects}\n' "$@" "$url" >"$out"
rc=$?
[[ $rc == 0 ]] || { echo "curl exited $rc" >&2; exit 1; }
read -r code down up total ver conns <"$out"
field() { tr ' ' '\n' <"$ru" | sed -n "s/^$1=//p"; }
err=0
[[ $code == 2* ]] || err=1
echo "BENCH requests=1 bytes=$bytes wall_s=$total user_s=$(field user_s) sys_s=$(field sys_s) maxrss_kb=$(field maxrss_kb) errors=$err connects=$conns proto=h$ver down=$down up=$up lib=curl-cli"
(( err == 0 ))
