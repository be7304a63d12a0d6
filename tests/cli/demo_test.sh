#!/usr/bin/env bash
# shugo demo: the small demo is built from the real reference data by real commands, holds every
# kind of organisation and letters in every status, and is deterministic: two builds have the same
# hash chain head (same bytes, same order). info loads it as the server does.
set -euo pipefail
shugo=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$shugo" demo --dir "$dir/a" --json 2>/dev/null >"$dir/a.json"
"$shugo" demo --dir "$dir/b" --json 2>/dev/null >/dev/null
grep -Eq '"commands":[1-9][0-9]{3,}' "$dir/a.json"
hash_a=$("$shugo" verify --dir "$dir/a" --json 2>/dev/null | grep -o '"head_hash":"[0-9a-f]\{64\}"')
hash_b=$("$shugo" verify --dir "$dir/b" --json 2>/dev/null | grep -o '"head_hash":"[0-9a-f]\{64\}"')
[[ "$hash_a" == "$hash_b" ]] || { echo "two demo builds differ: $hash_a $hash_b" >&2; exit 1; }

info=$("$shugo" info --dir "$dir/a" --json)
echo "$info"
letters=$(grep -o '"letters":{[^}]*}' <<<"$info")
for status in applied returned approved in_contract secession_scheduled withdrawn seceded terminated; do
  grep -Eq "\"$status\":[1-9]" <<<"$letters" || { echo "no $status letter" >&2; exit 1; }
done
orgs=$(grep -o '"organisations":{[^}]*}' <<<"$info")
for kind in mhlw central_federation prefectural_federation governors_association jma prefecture \
  municipality wide_area_union prefectural_medical_association local_medical_association \
  other_aggregator insured_institution non_insured_institution; do
  grep -Eq "\"$kind\":[1-9]" <<<"$orgs" || { echo "no $kind" >&2; exit 1; }
done
grep -q '"municipality":1742' <<<"$orgs"            # 1,741 real ones and the one that opens
# Every row of the sample but the three held back as the new codes of F-1-4-3.
grep -q '"insured_institution":1837' <<<"$orgs"
codes=$(grep -o '"institution_codes":{[^}]*}' <<<"$info")
grep -q '"eligibility_master":1840' <<<"$codes"      # F-1-4-1: every row of the sample
grep -q '"code_changed":1' <<<"$codes"               # F-1-4-3: one approved, one returned
grep -q '"merged":1' <<<"$codes"                     # F-1-4-3: one 吸収合併
grep -q '"collective_contract":"2025-03-28"' <<<"$codes"  # F-5-1
grep -Eq '"municipal_vaccines":[0-9]{4,}' <<<"$info"      # F-2-1-2/3: four routine vaccines each
grep -Eq '"institution_contracts":[1-9]' <<<"$info"       # F-2-4
grep -q '"campaigns":{"declared":1,"ended":1}' <<<"$info"  # F-10: declared and ended by the day job
grep -q '"last_closed_day":"2026-03-31"' <<<"$info"

# A directory that already holds a log is refused, never overwritten.
if "$shugo" demo --dir "$dir/a" 2>"$dir/err"; then echo "demo overwrote a log" >&2; exit 1; fi
grep -q "already holds a log" "$dir/err"
echo "demo: ok"
