#!/bin/sh
# The Debian packages the tests use beside the Python ones: the system Graphviz `dot`
# (compared with graphviz-pure), rsvg-convert and Chromium (to rasterize SVGs as viewers
# do), and the fonts viewers substitute for Helvetica (DejaVu Sans; Liberation Sans, metric-
# compatible with Arial and Helvetica). As root on Debian or Ubuntu this installs them;
# anywhere else it says what to install and exits 0 (the tests that need them skip, saying
# why).
set -eu

PACKAGES="graphviz librsvg2-bin chromium fonts-dejavu-core fonts-liberation fontconfig"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "tools/system-packages.sh: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    apt-get install -y -qq $missing >/dev/null
    exit 0
fi

echo "tools/system-packages.sh: the drawing tests also use:$missing"
echo "  Debian/Ubuntu: sudo apt-get install$missing"
echo "  (chromium is chromium-browser on some Ubuntu releases; on macOS: brew install"
echo "  graphviz librsvg, and a Chromium or Chrome). Tests that need one skip without it."
exit 0
