#!/usr/bin/env bash
# Test hygiene that CI enforces: ctest runs each doctest case by name; a comma (doctest's filter
# separator) or a semicolon (CMake's list separator) in a name would make the filter match
# nothing; no test is skipped. (tests/CMakeLists.txt also fails a run that matched no case.)
set -euo pipefail
bad=0
names=$(find tests -name '*.cc' -print0 | xargs -0 perl -0ne \
  'while (/TEST_CASE\w*\(\s*(?:\w+\s*,\s*)?"([^"]*)"/g) { print "$ARGV: $1\n" if $1 =~ /[,;]/ }')
if [ -n "$names" ]; then
  echo "$names"
  echo "tests: a test name contains a comma or a semicolon (it would run nothing under ctest)" >&2
  bad=1
fi
if grep -rnE 'doctest::skip|DISABLED_' tests; then
  echo "tests: skipped tests check nothing" >&2
  bad=1
fi
exit $bad
