# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (scripts/install-deps.sh), build, and install the package into the project venv .venv/.
#
# `make -j` is safe: a target whose steps must follow one another runs them as sub-makes, one
# recipe line after another (make never runs two lines of one recipe at once); -j only
# parallelises inside a step. scripts/install-deps.sh (apt-get) therefore never runs twice at once.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BUILD  ?= build/py
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps lint-deps test-deps office chromium build test test-cpp test-python lint lint-checks \
        layering demo serve bench fuzz fuzz-workbook clean

all: build

deps:
	@scripts/install-deps.sh

lint-deps:
	@scripts/install-deps.sh --lint

# Everything `make test` needs, in one run of install-deps.sh: the build, make lint, LibreOffice
# Calc (the workbook round trip in tests/python/exchange) and Chromium + poppler-utils (the PDF
# report test in tests/python/report). The tests themselves never install anything.
test-deps:
	@scripts/install-deps.sh --lint --office --chromium

office:
	@scripts/install-deps.sh --office

chromium:
	@scripts/install-deps.sh --chromium

# One CMake build (kept in $(BUILD) for incremental rebuilds) gives the wheel, installed into
# the venv, the C++ test executables and compile_commands.json (for clang-tidy).
build: deps
	@echo "make: building libaudit (C++ core, tests, Python extension) in $(BUILD) ..."
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) $(PY) -m pip install -q --no-build-isolation \
	  -C build-dir=$(BUILD) -C cmake.define.CMAKE_EXPORT_COMPILE_COMMANDS=ON \
	  -C cmake.define.LIBAUDIT_BUILD_TESTS=ON -C cmake.define.LIBAUDIT_BUILD_BENCH=ON .
	@echo "make: installed libaudit into $(VENV)"

# Dependencies, then build + lint, then the tests, strictly in that order. Seed documents:
# $LIBAUDIT_SEEDS if set (a missing one fails), else ../shared/seeds (absent: those tests skip).
test:
	@$(MAKE) --no-print-directory test-deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-cpp
	@$(MAKE) --no-print-directory test-python

# CTest says only "Skipped"; the reason (seeds absent) is in the log, printed here once.
test-cpp:
	$(VENV)/bin/ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@grep -h '^seeds: skipped:' $(BUILD)/Testing/Temporary/LastTest.log 2>/dev/null | sort -u | sed 's/^/ctest: /' || true

test-python:
	$(PY) -m pytest -q tests/python tests/tools

# make lint: its tools, the build (stubtest and clang-tidy read it), then every check in order,
# stopping at the first that fails.
lint:
	@$(MAKE) --no-print-directory lint-deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory lint-checks

# The checks alone, on an existing $(BUILD). clang-tidy is incremental (tools/clang_tidy.py: a file
# is checked again only when its preprocessed text, its flags or .clang-tidy change) and runs
# $(JOBS) files at once: the whole of libaudit/src takes about two minutes cold on two cores.
lint-checks:
	@echo "lint: ruff check" && $(VENV)/bin/ruff check .
	@echo "lint: ruff format --check" && $(VENV)/bin/ruff format --check .
	@echo "lint: mypy (strict)" && $(VENV)/bin/mypy
	@echo "lint: stubtest libaudit._core" && PYTHONPATH=$(BUILD)/python $(PY) tools/stubtest.py
	@echo "lint: entity stubs" && PYTHONPATH=$(BUILD)/python $(PY) tools/entity_stubs.py --check
	@echo "lint: clang-format" && git ls-files -z -- '*.cpp' '*.h' ':!:tests/fuzz/corpus/**' \
	  | xargs -0 -r clang-format --dry-run -Werror
	@echo "lint: clang-tidy (libaudit/src)" && python3 tools/clang_tidy.py $(BUILD) -j $(JOBS)
	@echo "lint: source lists" && python3 tools/check_sources.py
	@echo "lint: messages (every marked message has its Japanese)" && python3 tools/check_messages.py
	@echo "lint: function length (at most 100 lines)" && $(VENV)/bin/lizard -L 100 -C 1000 -a 100 -w \
	  libaudit/src bindings/src bindings/python/libaudit
	@echo "lint: layering" && $(MAKE) --no-print-directory layering
	@echo "lint: ok"

# The stages and their arrows (tools/check_layering.py); stdlib Python, needs no build.
layering:
	@python3 tools/check_layering.py

demo: build
	$(PY) examples/demo.py

# The web questionnaire on the demo store (built as `make demo` builds it when missing), for a
# newcomer to click through: plain HTTP on 127.0.0.1 only (--insecure-cookies); the first
# administrator's one-time link is printed while no account exists (docs/web.md).
DEMO_DB ?= out/demo/demo.db
PORT    ?= 8080
serve: build
	@test -f $(DEMO_DB) || $(PY) examples/demo.py
	$(PY) -m libaudit serve $(DEMO_DB) --host 127.0.0.1 --port $(PORT) --insecure-cookies

bench: build
	$(PY) bench/run.py

fuzz:
	@scripts/install-deps.sh --fuzz
	CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DLIBAUDIT_BUILD_FUZZ=ON -DLIBAUDIT_BUILD_TESTS=OFF -DLIBAUDIT_BUILD_PYTHON=OFF -DLIBAUDIT_BUILD_BENCH=OFF \
	  -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV))/bin/ninja
	cmake --build build/fuzz

# The returned-workbook reader under atheris for FUZZ_SECONDS (docs/fuzzing.md); seeds from tests/hostile/corpus.py.
FUZZ_SECONDS ?= 600
fuzz-workbook: build
	@scripts/install-deps.sh --fuzz
	mkdir -p build/fuzz/workbook-corpus
	PYTHONPATH=build/py/python $(PY) tests/fuzz/workbook_fuzzer.py --seeds build/fuzz/workbook-corpus
	cd build/fuzz && PYTHONPATH=$(abspath build/py/python) $(abspath $(PY)) $(abspath tests/fuzz/workbook_fuzzer.py) \
	  workbook-corpus -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=300000 -len_control=0

clean:
	rm -rf build out
