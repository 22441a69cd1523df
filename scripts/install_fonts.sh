#!/usr/bin/env bash
# Fonts for certificates (WeasyPrint): Noto covers the scripts of the participant countries
# (Bengali, Khmer, Chinese, Devanagari, Korean, Thai, Thaana, Mongolian Cyrillic, Urdu in
# Arabic script, Latin with diacritics). Installs the Debian packages when root and missing.
set -euo pipefail
if fc-list : family 2>/dev/null | grep -q "Noto Sans Khmer" \
  && fc-list : family 2>/dev/null | grep -q "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    fonts-noto-core fonts-noto-cjk >/dev/null
else
  echo "Noto fonts are missing: install fonts-noto-core and fonts-noto-cjk (certificates" \
    "would show empty boxes for some scripts)" >&2
fi
