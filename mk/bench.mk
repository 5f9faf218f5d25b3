# Benchmarks (benchmarks/run.py): processes, in-process analysis and the language
# server, contenders alternating in rounds; see docs/performance.md.

.PHONY: bench bench-quick bench-docs bench-profile bench-smoke

BENCH_ARGS ?=

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

bench-quick: $(STAMP)
	$(PY) benchmarks/run.py --quick $(BENCH_ARGS)

bench-docs: $(STAMP)
	$(PY) benchmarks/run.py --profile --write-docs $(BENCH_ARGS)

bench-profile: $(STAMP)
	$(PY) benchmarks/run.py --profile $(BENCH_ARGS)

bench-smoke: $(STAMP)
	$(PY) benchmarks/run.py --smoke $(BENCH_ARGS)
