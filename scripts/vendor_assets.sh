#!/usr/bin/env bash
# Installs the pinned front-end packages from npm and copies the files the pages use into
# zhengxie/static/vendor. The result is committed, so running the platform needs neither Node nor the network.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
dest=zhengxie/static/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/bootstrap-icons/fonts" "$dest/htmx" "$dest/echarts" "$dest/axe-core"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
cp node_modules/axe-core/axe.min.js "$dest/axe-core/"
for pkg in bootstrap bootstrap-icons htmx.org echarts axe-core; do
  cp "node_modules/$pkg/LICENSE"* "$dest/$( [ "$pkg" = htmx.org ] && echo htmx || echo "$pkg")/" 2>/dev/null || true
done
# Remove source-map references: the maps are not shipped.
sed -i '/sourceMappingURL=/d' "$dest"/*/*.css "$dest"/*/*.js
echo "vendored into $dest"
