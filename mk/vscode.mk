# VS Code extension (clients/vscode) and its end-to-end test in a real VS Code (code-server).
#
#   make vscode-package   build clients/vscode/tierlint-<version>.vsix (server bundled inside)
#   make vscode-test      unit tests and type check of the extension
#   make e2e-vscode       package, install code-server + Chromium if needed, drive VS Code
#
# Needs node >= 20 and npm. e2e-vscode also installs Debian packages (chromium, ripgrep, a C
# toolchain, libkrb5-dev) when they are missing, and keeps code-server in .e2e/.

VSCODE_DIR := clients/vscode
VSCODE_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(VSCODE_DIR)/package.json)
VSCODE_VSIX := $(VSCODE_DIR)/tierlint-$(VSCODE_VERSION).vsix
VSCODE_MODULES := $(VSCODE_DIR)/node_modules/.package-lock.json
# Everything that ends up in the .vsix.
VSCODE_SOURCES := $(shell find $(VSCODE_DIR)/src $(VSCODE_DIR)/scripts $(VSCODE_DIR)/images \
	server/tierlint rules -type f ! -name '*.pyc' 2>/dev/null) \
	$(addprefix $(VSCODE_DIR)/,package.json package-lock.json .vscodeignore README.md CHANGELOG.md LICENSE tsconfig.json) \
	pyproject.toml
E2E_DIR ?= .e2e

# now, and seconds since $(1): for the timings the targets print
vscode_now = $$(date +%s)
vscode_took = echo "--- $(1): $$(( $$(date +%s) - $(2) )) s"

.PHONY: vscode-package vscode-test e2e-vscode e2e-vscode-setup vscode-clean

# npm ci whenever the lock file changed (npm writes node_modules/.package-lock.json).
$(VSCODE_MODULES): $(VSCODE_DIR)/package-lock.json
	cd $(VSCODE_DIR) && npm ci --no-audit --no-fund
	@touch $@

# The server and its libraries are installed into bundled/libs with the project's venv pip.
$(VSCODE_VSIX): $(VSCODE_MODULES) $(VSCODE_SOURCES) | $(STAMP)
	cd $(VSCODE_DIR) && TIERLINT_BUILD_PYTHON=$(abspath $(PY)) PIP_ROOT_USER_ACTION=ignore npm run package

vscode-package: $(STAMP)
	@t0=$(vscode_now); $(MAKE) --no-print-directory $(VSCODE_VSIX) && $(call vscode_took,vscode-package,$$t0)

vscode-test: $(VSCODE_MODULES)
	@t0=$(vscode_now); cd $(VSCODE_DIR) && npm test && $(call vscode_took,vscode-test,$$t0)

e2e-vscode-setup:
	@E2E_DIR=$(abspath $(E2E_DIR)) bash tests/e2e/vscode/setup.sh

e2e-vscode: $(STAMP)
	@t0=$(vscode_now); rc=0; \
	t=$(vscode_now); $(MAKE) --no-print-directory $(VSCODE_VSIX) && $(call vscode_took,package,$$t) && \
	t=$(vscode_now); $(MAKE) --no-print-directory e2e-vscode-setup && $(call vscode_took,setup,$$t) && \
	t=$(vscode_now); E2E_DIR=$(abspath $(E2E_DIR)) bash tests/e2e/vscode/run.sh $(VSCODE_VSIX) || rc=$$?; \
	$(call vscode_took,e2e run,$$t); $(call vscode_took,e2e-vscode total,$$t0); exit $$rc

vscode-clean:
	rm -rf $(VSCODE_DIR)/node_modules $(VSCODE_DIR)/dist $(VSCODE_DIR)/out $(VSCODE_DIR)/bundled \
		$(VSCODE_DIR)/tierlint-*.vsix tests/e2e/vscode/node_modules $(E2E_DIR)
