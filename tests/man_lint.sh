#!/usr/bin/env bash
# The man page renders with no warnings from groff (-ww) or man, as the issue asks.
set -u
page="${SRCDIR:-$(dirname "$0")/..}/man/bpfscope.8"
warnings=$( { groff -ww -man -Tutf8 "$page" >/dev/null; } 2>&1 )
warnings+=$( { LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings=w -E UTF-8 -l "$page" >/dev/null; } 2>&1 )
if [ -n "$warnings" ]; then
  echo "man page warnings:"
  echo "$warnings"
  exit 1
fi
lines=$(groff -man -Tutf8 "$page" 2>/dev/null | wc -l)
if [ "$lines" -lt 100 ]; then
  echo "man page renders to only $lines lines"
  exit 1
fi
echo "man page renders cleanly ($lines lines)"
