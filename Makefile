# SPDX-License-Identifier: GPL-2.0-or-later
#
# hotline: build the module for every installed test kernel, the BPF
# programs and hotlinectl; run the tests on the host and in the VM.
#
#   make            build everything (module per kernel, BPF, hotlinectl)
#   make check      deps + build + host unit tests + VM selftests, all kernels
#   make bench      benchmarks (prints numbers; see docs/benchmarks.md)
#   make demo       the guided tour in the VM
#   make deps       install the Debian packages all of the above need

TOP		:= $(CURDIR)
BUILD		:= $(TOP)/build
KVERS		?= $(shell $(TOP)/scripts/kernels.sh)
KVER		?=
HOTLINE_VERSION	:= $(shell git -C $(TOP) describe --always --dirty --tags 2>/dev/null || echo 0.1.0)
PREFIX		?= /usr/local
DESTDIR		?=

export HOTLINE_VERSION

ifneq ($(KVER),)
KVERS := $(KVER)
endif

.PHONY: all kmod bpf user check unit vmtest bench stress demo deps install \
	uninstall dkms-install clean sparse

all: kmod bpf user

# Each kernel gets its own tree of links to the sources, so objects built
# for 6.1 and 6.12 never overwrite each other: build/kmod/KVER/kmod/hotline.ko
KMOD_SRCS := $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h) $(TOP)/kmod/Kbuild
kmod:
	@test -n "$(KVERS)" || { echo "no kernel headers found: run 'make deps'" >&2; exit 1; }
	@set -e; for k in $(KVERS); do \
		d=$(BUILD)/kmod/$$k; \
		mkdir -p $$d/kmod; \
		find $$d/kmod -maxdepth 1 -type l -delete; \
		ln -sf $(KMOD_SRCS) $$d/kmod/; \
		ln -sfn $(TOP)/include $$d/include; \
		cp -f $(TOP)/Kbuild $$d/Kbuild; \
		echo "  KMOD    $$k"; \
		$(MAKE) -s -C /lib/modules/$$k/build M=$$d W=1 \
			HOTLINE_VERSION=$(HOTLINE_VERSION) modules; \
	done

sparse:
	@set -e; for k in $(KVERS); do \
		$(MAKE) -s -C /lib/modules/$$k/build M=$(BUILD)/kmod/$$k C=2 \
			HOTLINE_VERSION=$(HOTLINE_VERSION) modules; \
	done

bpf:
	@$(MAKE) -s -C bpf BUILD=$(BUILD)/bpf

user: bpf
	@$(MAKE) -s -C user BUILD=$(BUILD) HOTLINE_VERSION=$(HOTLINE_VERSION)

check: deps all
	@$(TOP)/selftests/check.sh

unit: all
	@$(TOP)/selftests/check.sh --host-only

vmtest: all
	@$(TOP)/selftests/check.sh --vm-only

bench: deps all
	@$(TOP)/selftests/bench/run

stress: deps all
	@$(TOP)/selftests/stress.sh

demo: deps all
	@$(TOP)/selftests/demo.sh

deps:
	@$(TOP)/scripts/deps.sh

clean:
	rm -rf $(BUILD)
	-@$(MAKE) -s -C user clean BUILD=$(BUILD)
