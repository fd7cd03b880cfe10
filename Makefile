# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (scripts/install-deps.sh), build, and install the package into the project venv .venv/.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BUILD  ?= build/py
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps office chromium build test test-cpp test-python demo bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

# One CMake build (kept in $(BUILD) for incremental rebuilds) gives the wheel, installed into
# the venv, and the C++ test executables.
build: deps
	@echo "make: building libaudit (C++ core, tests, Python extension) in $(BUILD) ..."
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) $(PY) -m pip install -q --no-build-isolation \
	  -C build-dir=$(BUILD) \
	  -C cmake.define.LIBAUDIT_BUILD_TESTS=ON -C cmake.define.LIBAUDIT_BUILD_BENCH=ON .
	@echo "make: installed libaudit into $(VENV)"

test: build office chromium test-cpp test-python

# LibreOffice Calc for the workbook round trip in tests/python/exchange/test_exchange.py (apt, once).
office:
	@scripts/install-deps.sh --office

# Chromium, poppler-utils and a Japanese font for the PDF report test in tests/python/report/test_report.py (apt, once).
chromium:
	@scripts/install-deps.sh --chromium

test-cpp:
	$(VENV)/bin/ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-python:
	$(PY) -m pytest -q tests/python

demo: build
	$(PY) examples/demo.py

bench: build
	$(PY) bench/run.py

fuzz:
	@scripts/install-deps.sh --fuzz
	CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DLIBAUDIT_BUILD_FUZZ=ON -DLIBAUDIT_BUILD_TESTS=OFF -DLIBAUDIT_BUILD_PYTHON=OFF -DLIBAUDIT_BUILD_BENCH=OFF \
	  -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV))/bin/ninja
	cmake --build build/fuzz

clean:
	rm -rf build out
