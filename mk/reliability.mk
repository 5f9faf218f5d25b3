# Reliability suite: property-based tests (hypothesis) and fault injection for
# the engine, the CLI and the language server. docs/reliability.md explains the
# guarantees and how to reproduce a failure.
#
#   make test-reliability            the bounded default set (also part of `make test`)
#   make fuzz-long                   many more examples (TIERLINT_HYPOTHESIS=long)
#   make fuzz-long FUZZ_ARGS="--hypothesis-seed=1234 -x"

FUZZ_ARGS ?=

.PHONY: test-reliability fuzz-long

test-reliability: $(STAMP)
	$(PY) -m pytest -q tests/property tests/fuzz $(FUZZ_ARGS)

fuzz-long: $(STAMP)
	TIERLINT_HYPOTHESIS=long $(PY) -m pytest -q --timeout=0 --hypothesis-show-statistics tests/property tests/fuzz $(FUZZ_ARGS)
