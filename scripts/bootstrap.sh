#!/usr/bin/env bash
# Creates the virtualenv in .venv and installs the Python packages; with --test also the test tools and the
# Debian packages the browser tests need (chromium, fonts-noto-cjk). Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_install() {
  command -v apt-get >/dev/null || { echo "apt-get not available: install $* yourself" >&2; return 1; }
  if [ ! -f /var/lib/apt/periodic/zhengxie-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    as_root apt-get update -qq && as_root mkdir -p /var/lib/apt/periodic && as_root touch /var/lib/apt/periodic/zhengxie-updated
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv python3-dev
    "$PYTHON" -m venv .venv
  fi
fi

reqs=requirements.txt
[ $want_test = 1 ] && reqs=requirements-dev.txt
stamp=".venv/.installed-$(basename $reqs .txt)"
if [ ! -f "$stamp" ] || [ "$reqs" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$reqs"
  touch "$stamp"
fi

# Debian packages: Chinese fonts and Pango for the PDF documents (WeasyPrint) always; Chromium and gettext for
# the tests. Only what is missing is installed.
missing=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib")
done
if [ $want_test = 1 ]; then
  [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v msgfmt >/dev/null || missing+=(gettext)
fi
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}" || echo "warning: could not install ${missing[*]}" >&2
fi
