#!/usr/bin/env bash
# Test hygiene that CI enforces: ctest runs each doctest case by name and doctest splits a name
# filter on commas, so a name with a comma would silently match nothing and "pass"; no test is
# skipped.
set -euo pipefail
bad=0
if grep -rnE 'TEST_CASE[A-Z_]*\(.*"[^"]*,[^"]*"' tests; then
  echo "tests: a test name contains a comma (it would run nothing under ctest)" >&2
  bad=1
fi
if grep -rnE 'doctest::skip|DISABLED_' tests; then
  echo "tests: skipped tests check nothing" >&2
  bad=1
fi
exit $bad
