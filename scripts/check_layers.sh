#!/usr/bin/env bash
# Fails when an #include points up the stack of docs/architecture.md, or when a folder includes
# another folder's internal/ headers. Run from the repository root (CI and ctest do).
set -euo pipefail
declare -A rank=([base]=0 [schemas]=1 [events]=2 [core]=3 [projections]=4 [replay]=5 [accounts]=6
                  [demo]=7 [http]=8 [bench]=9 [cli]=10)
bad=0
for folder in "${!rank[@]}"; do
  [ -d "$folder" ] || continue
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"${rest#*:}")
    top=${target%%/*}
    [ -n "${rank[$top]+x}" ] || continue  # a library header or a local file
    if [ "$top" != "$folder" ] && [ "${rank[$top]}" -gt "${rank[$folder]}" ]; then
      echo "$file:$line: $folder/ includes $target, which is above it" >&2
      bad=1
    fi
    if [ "$top" != "$folder" ] && [[ "$target" == */internal/* ]]; then
      echo "$file:$line: $folder/ includes $target, an internal header of $top/" >&2
      bad=1
    fi
  done < <(grep -rnE '^\s*#\s*include\s+"' "$folder" --include='*.h' --include='*.cc' || true)
done
if [ "$bad" -ne 0 ]; then
  echo "layers: includes must point down: ${!rank[*]} (see docs/architecture.md)" >&2
  exit 1
fi
echo "layers: ok"
