#!/usr/bin/env bash
# Fonts for certificates (WeasyPrint): Noto covers the scripts of the participant countries
# (Bengali, Khmer, Chinese, Devanagari, Korean, Thai, Thaana, Mongolian Cyrillic, Urdu in
# Arabic script, Latin with diacritics), and HarfBuzz's subsetting library, which WeasyPrint
# uses to embed fonts and warns about when it is missing (the tests turn warnings into
# errors). Installs the Debian packages when root and missing.
set -euo pipefail
if fc-list : family 2>/dev/null | grep -q "Noto Sans Khmer" \
  && fc-list : family 2>/dev/null | grep -q "Noto Sans CJK" \
  && { ! command -v ldconfig >/dev/null 2>&1 || ldconfig -p | grep -q "libharfbuzz-subset"; }; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 >/dev/null
else
  echo "Noto fonts or HarfBuzz-Subset are missing: install fonts-noto-core, fonts-noto-cjk" \
    "and libharfbuzz-subset0 (certificates would show empty boxes for some scripts)" >&2
fi
