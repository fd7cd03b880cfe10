#!/usr/bin/env bash
# Installs what libaudit needs to build and test, and nothing that is already there.
# Idempotent: a second run only checks. Debian packages through apt-get (as root, or with
# sudo), Python packages into the project virtual environment .venv/.
#
#   scripts/install-deps.sh            build + test dependencies
#   scripts/install-deps.sh --lint     also clang-format and clang-tidy for make lint
#   scripts/install-deps.sh --fuzz     also clang for the libFuzzer targets
#   scripts/install-deps.sh --office   also LibreOffice Calc (soffice) for the workbook round trip
#   scripts/install-deps.sh --chromium also Chromium, poppler-utils and a Japanese font for PDF reports
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
venv="${LIBAUDIT_VENV:-$here/.venv}"
want_fuzz=0
want_lint=0
want_office=0
want_chromium=0
for arg in "$@"; do
  case "$arg" in
    --fuzz) want_fuzz=1 ;;
    --lint) want_lint=1 ;;
    --office) want_office=1 ;;
    --chromium) want_chromium=1 ;;
    *) echo "install-deps: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

say() { printf 'install-deps: %s\n' "$*"; }

# Debian packages. Each is named with why in README.md ("Dependencies").
debs=(
  g++ make pkg-config
  libsqlite3-dev        # the store
  libssl-dev            # SHA-256 / HMAC for the trail and workbook checksums
  libdeflate-dev        # deflated trail states (large trail records)
  libyaml-cpp-dev       # checklist YAML
  nlohmann-json3-dev    # JSON output
  libutf8proc-dev       # UTF-8 validation, NFKC, display width
  libkainjow-mustache-dev  # report templates
  libfmt-dev            # {fmt}: message placeholders filled in the catalogue's word order
  gettext               # msgfmt/msgcat build the message catalogue; xgettext checks it (make lint)
  libboost-test-dev     # C++ unit tests
  python3-dev python3-venv
)
[ "$want_fuzz" = 1 ] && debs+=(clang libclang-rt-14-dev)
# make lint: the C++ formatter and linter (.clang-format, .clang-tidy); skipped when already on the PATH.
if [ "$want_lint" = 1 ]; then
  command -v clang-format >/dev/null || debs+=(clang-format)
  command -v clang-tidy >/dev/null || debs+=(clang-tidy)
fi
# Debian's libreoffice-calc without the GUI (tests/python/exchange/test_exchange.py sends a workbook
# through real office software); skipped when some soffice is already on the PATH.
[ "$want_office" = 1 ] && ! command -v soffice >/dev/null && debs+=(libreoffice-calc-nogui)
# PDF reports: headless Chromium prints the HTML; pdftotext/pdftoppm check it; IPAex fonts for Japanese.
[ "$want_chromium" = 1 ] && debs+=(chromium poppler-utils fonts-ipaexfont-gothic fonts-ipaexfont-mincho)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages present"
fi

# Python: a project venv, so a system Python that refuses pip (PEP 668) is never touched.
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  say "creating virtual environment $venv ($("$py" --version 2>&1))"
  "$py" -m venv "$venv"
fi
reqs="$here/requirements-dev.txt"
stamp="$venv/.libaudit-requirements"
if [ ! -f "$stamp" ] || ! cmp -s "$reqs" "$stamp"; then
  say "installing Python packages from requirements-dev.txt into $venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r "$reqs"
  cp "$reqs" "$stamp"
else
  say "Python packages present"
fi
# make fuzz-workbook: atheris, the coverage-guided fuzzer for Python code (tests/fuzz/workbook_fuzzer.py).
if [ "$want_fuzz" = 1 ] && ! "$venv/bin/python" -c "import atheris" 2>/dev/null; then
  say "installing atheris into $venv"
  "$venv/bin/python" -m pip install -q atheris
fi
