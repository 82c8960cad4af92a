#!/usr/bin/env bash
# The overlay fonts in data/fonts: the bundled DejaVu Sans and DejaVu Sans Bold (npm package
# dejavu-fonts-ttf) cut to the scripts openbmd's overlays print. The SVG renderer re-reads a font
# file for every glyph it draws; at 190 kB instead of 750 kB an overlay renders in about 60 % of the
# time, pixel for pixel the same (test/overlay-fonts.test.ts). Glyph outlines, metrics, kerning and
# the family name are kept (DejaVu's licence allows modified copies under any name without
# "Bitstream" or "Vera"). Needs fontTools (Debian: python3-fonttools).
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=node_modules/dejavu-fonts-ttf
# The code points kept: data/fonts/overlay-font-coverage.json, which the PDF reports read too (text
# wholly inside them prints with the cuts).
unicodes=$(node -p "require('./data/fonts/overlay-font-coverage.json').unicodeRanges.map(([a, b]) => 'U+' + a.toString(16).toUpperCase().padStart(4, '0') + '-' + b.toString(16).toUpperCase().padStart(4, '0')).join(',')")
for font in DejaVuSans DejaVuSans-Bold; do
  /usr/bin/python3 -m fontTools.subset "$source_dir/ttf/$font.ttf" --unicodes="$unicodes" --layout-features='*' \
    --output-file="data/fonts/$font-overlay.ttf"
done
cp "$source_dir/LICENSE" data/fonts/LICENSE
echo "wrote data/fonts/DejaVuSans-overlay.ttf, data/fonts/DejaVuSans-Bold-overlay.ttf (from dejavu-fonts-ttf $(node -p "require('./$source_dir/package.json').version"))"
