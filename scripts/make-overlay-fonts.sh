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
# Basic Latin to Latin Extended-B, Greek, Cyrillic, punctuation, super- and subscripts, currency,
# letter-like symbols, arrows, mathematical operators, geometric shapes.
unicodes="U+0020-007E,U+00A0-024F,U+0370-03FF,U+0400-04FF,U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2200-22FF,U+25A0-25FF"
for font in DejaVuSans DejaVuSans-Bold; do
  /usr/bin/python3 -m fontTools.subset "$source_dir/ttf/$font.ttf" --unicodes="$unicodes" --layout-features='*' \
    --output-file="data/fonts/$font-overlay.ttf"
done
cp "$source_dir/LICENSE" data/fonts/LICENSE
echo "wrote data/fonts/DejaVuSans-overlay.ttf, data/fonts/DejaVuSans-Bold-overlay.ttf (from dejavu-fonts-ttf $(node -p "require('./$source_dir/package.json').version"))"
