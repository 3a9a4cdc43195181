# SPDX-License-Identifier: GPL-2.0-or-later
#
# hotline: build the module for every installed test kernel, the BPF
# programs and hotlinectl; run the tests on the host and in the VM.
#
#   make            build everything (module per kernel, BPF, hotlinectl)
#   make check      deps + debug kernel + build + static analysis + host
#                   unit tests + VM selftests on every kernel, the debug
#                   kernel's lane included
#   make debug-kernel  build (or reuse from the cache) and install the
#                   KASAN/lockdep/kmemleak kernel the debug lane runs on
#   make bench      benchmarks (prints numbers; see docs/benchmarks.md)
#   make demo       the guided tour in the VM
#   make deps       install the Debian packages all of the above need
#   make deb        the Debian packages hotline-dkms and hotlinectl, checked
#                   by lintian, in build/deb (docs/packaging.md)

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

.PHONY: all kmod bpf user icount check unit vmtest bench stress demo deps install \
	uninstall dkms-install clean sparse debug-kernel lint hotlinectl install-user \
	dkms-src deb

all: kmod bpf user icount

# The TCG plugin that counts guest instructions (selftests/vm/run --icount).
# icount_profile runs in the guest: kernel instructions by function.
ICOUNT := $(BUILD)/vm/icount.so
ICOUNT_PROFILE := $(BUILD)/vm/icount_profile
icount: $(ICOUNT) $(ICOUNT_PROFILE)
$(ICOUNT): selftests/vm/icount/icount.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -lpthread
$(ICOUNT_PROFILE): selftests/vm/icount/profile.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

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

# Static analysis, each tool a PASS or FAIL line: sparse and checkpatch on
# the module, cppcheck and clang-tidy on hotlinectl (scripts/lint.sh).
lint: kmod bpf
	@KVERS="$(KVERS)" $(TOP)/scripts/lint.sh

bpf:
	@$(MAKE) -s -C bpf BUILD=$(BUILD)/bpf

user: bpf
	@$(MAKE) -s -C user BUILD=$(BUILD) HOTLINE_VERSION=$(HOTLINE_VERSION)
	@$(MAKE) -s -C selftests/nlfuzz BUILD=$(BUILD)

# The program alone: a package ships neither the ASan build nor the fuzzer.
hotlinectl: bpf
	@$(MAKE) -s -C user hotlinectl BUILD=$(BUILD) HOTLINE_VERSION=$(HOTLINE_VERSION)

# hotline.ko is built for the production kernels first; check.sh builds
# the debug kernel (or takes it from its cache outside the clone) beside
# the host stages that do not need it, installs it, and builds hotline.ko
# for it then (`all` reads the kernel list when that sub-make runs).
check: deps
	@$(MAKE) -s all KVERS="$(filter-out %-hotline-debug,$(KVERS))"
	@$(TOP)/selftests/check.sh --build-debug-kernel

debug-kernel:
	@$(TOP)/scripts/debug-kernel.sh

unit: all
	@$(TOP)/selftests/check.sh --host-only

vmtest: all deb
	@$(TOP)/selftests/check.sh --vm-only

# The congestion and failover scenarios' probe runs in the guest, whose
# tree is read-only.
$(BUILD)/bench/probe_stream: selftests/bench/probe_stream.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

# Host-side micro-benchmark of the XDP guard (BPF_PROG_TEST_RUN), then the
# VM scenarios: forwarding, health, congestion, failover.
bench: deps all $(BUILD)/bench/probe_stream
	@$(TOP)/selftests/bpf/bench.sh
	@$(TOP)/selftests/bench/run

stress: deps all deb
	@$(TOP)/selftests/stress.sh

demo: deps all
	@$(TOP)/selftests/demo.sh

deps:
	@$(TOP)/scripts/deps.sh

clean:
	rm -rf $(BUILD)
	-@$(MAKE) -s -C user clean BUILD=$(BUILD)

# ---- install, uninstall, dkms-install ----
#
#   make install [KVER=K] [PREFIX=/usr/local] [DESTDIR=]
#	hotline.ko for kernel K (default: the running one) when its headers
#	are installed, into /lib/modules/K/updates/kmod, compressed when
#	K's modules are (depmod is run unless
#	DESTDIR is set, by kbuild neither: a package runs it when installed); hotlinectl into
#	PREFIX/sbin; the man pages, the bash completion; the systemd units
#	into UNITDIR; /etc/hotline/hotline.conf from the example unless one
#	exists. `make uninstall` with the same variables removes exactly that
#	(the config only if it is still the example).
#   make install-user [PREFIX=/usr/local] [DESTDIR=]
#	what `make install` does but the module: for a package, or a host
#	whose module comes from DKMS.
#   make dkms-install [DKMS=dkms]
#	the module's sources to /usr/src/hotline-VERSION and dkms add, build,
#	install. DKMS=echo with DESTDIR=DIR only lays out the tree.
#   make dkms-src [DKMS_VERSION=V] [DESTDIR=]
#	only lays out that tree, as /usr/src/hotline-V (V defaults to
#	HOTLINE_VERSION; the module reports HOTLINE_VERSION either way).
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
UNITDIR		?= /lib/systemd/system
GENDIR		?= /lib/systemd/system-generators
CONFDIR		?= /etc/hotline
INSTALL_KVER	:= $(if $(KVER),$(KVER),$(shell uname -r))
INSTALL_MODDIR	:= /lib/modules/$(INSTALL_KVER)/updates/kmod
UNITS		:= hotline.service hotline-monitor.service hotline-guard@.service
DKMS		?= dkms
DKMS_VERSION	?= $(HOTLINE_VERSION)
DKMS_SRC	= $(DESTDIR)/usr/src/hotline-$(DKMS_VERSION)

# The userspace half of install and install-user.
define install_user
	@echo "  INSTALL hotlinectl, man pages, completion, units, $(CONFDIR)"
	@install -D -m 0755 user/hotlinectl $(DESTDIR)$(SBINDIR)/hotlinectl
	@install -D -m 0644 docs/hotlinectl.8 $(DESTDIR)$(MANDIR)/man8/hotlinectl.8
	@install -D -m 0644 docs/hotline.conf.5 $(DESTDIR)$(MANDIR)/man5/hotline.conf.5
	@install -D -m 0644 contrib/hotlinectl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/hotlinectl
	@install -d -m 0755 $(DESTDIR)$(UNITDIR)
	@set -e; for u in $(UNITS); do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/$$u >$(DESTDIR)$(UNITDIR)/$$u; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	@install -d -m 0755 $(DESTDIR)$(GENDIR)
	@sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/hotline-generator >$(DESTDIR)$(GENDIR)/hotline-generator
	@chmod 0755 $(DESTDIR)$(GENDIR)/hotline-generator
	@install -d -m 0755 $(DESTDIR)$(CONFDIR)
	@test -e $(DESTDIR)$(CONFDIR)/hotline.conf || \
		install -m 0644 docs/hotline.conf.example $(DESTDIR)$(CONFDIR)/hotline.conf
endef

install: user
	@if [ -d /lib/modules/$(INSTALL_KVER)/build ]; then \
		$(MAKE) -s kmod KVER=$(INSTALL_KVER) || exit 1; \
		echo "  INSTALL $(DESTDIR)$(INSTALL_MODDIR)/hotline.ko (compressed if the kernel's are)"; \
		$(MAKE) -s -C /lib/modules/$(INSTALL_KVER)/build \
			M=$(BUILD)/kmod/$(INSTALL_KVER) INSTALL_MOD_PATH=$(DESTDIR) \
			INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
			$(if $(DESTDIR),DEPMOD=true) modules_install 2>&1 | grep -v "missing 'System.map'"; \
		ls $(DESTDIR)$(INSTALL_MODDIR)/hotline.ko* >/dev/null || exit 1; \
		if [ -z "$(DESTDIR)" ]; then depmod -a $(INSTALL_KVER) || exit 1; fi; \
	else \
		echo "install: no headers for kernel $(INSTALL_KVER), so no module:" \
		     "install them, give KVER=, or use make dkms-install" >&2; \
	fi
	$(install_user)

install-user: hotlinectl
	$(install_user)

uninstall:
	rm -f $(foreach e,ko ko.xz ko.zst ko.gz,$(DESTDIR)$(INSTALL_MODDIR)/hotline.$(e))
	-@rmdir $(DESTDIR)$(INSTALL_MODDIR) $(DESTDIR)/lib/modules/$(INSTALL_KVER)/updates 2>/dev/null
	@if [ -z "$(DESTDIR)" ] && [ -d /lib/modules/$(INSTALL_KVER)/kernel ]; then \
		depmod -a $(INSTALL_KVER); fi
	rm -f $(DESTDIR)$(SBINDIR)/hotlinectl $(DESTDIR)$(MANDIR)/man8/hotlinectl.8 \
		$(DESTDIR)$(MANDIR)/man5/hotline.conf.5 $(DESTDIR)$(BASHCOMPDIR)/hotlinectl
	rm -f $(UNITS:%=$(DESTDIR)$(UNITDIR)/%) $(DESTDIR)$(GENDIR)/hotline-generator
	@if cmp -s docs/hotline.conf.example $(DESTDIR)$(CONFDIR)/hotline.conf; then \
		echo "rm -f $(DESTDIR)$(CONFDIR)/hotline.conf"; \
		rm -f $(DESTDIR)$(CONFDIR)/hotline.conf; \
		rmdir --ignore-fail-on-non-empty $(DESTDIR)$(CONFDIR); \
	elif [ -e $(DESTDIR)$(CONFDIR)/hotline.conf ]; then \
		echo "uninstall: keeping $(DESTDIR)$(CONFDIR)/hotline.conf (edited)"; \
	fi

dkms-install: dkms-src
	$(DKMS) add $(DKMS_SRC)
	$(DKMS) build -m hotline -v $(DKMS_VERSION)
	$(DKMS) install -m hotline -v $(DKMS_VERSION)

dkms-src:
	@echo "  DKMS    $(DKMS_SRC)"
	@rm -rf $(DKMS_SRC)
	@install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi/linux $(DKMS_SRC)/include/hotline
	@install -m 0644 Kbuild $(DKMS_SRC)/Kbuild
	@install -m 0644 kmod/Kbuild $(wildcard kmod/*.c kmod/*.h) $(DKMS_SRC)/kmod/
	@install -m 0644 $(wildcard include/uapi/linux/*.h) $(DKMS_SRC)/include/uapi/linux/
	@install -m 0644 $(wildcard include/hotline/*.h) $(DKMS_SRC)/include/hotline/
	@sed -e 's/@VERSION@/$(DKMS_VERSION)/g' -e 's/@HOTLINE_VERSION@/$(HOTLINE_VERSION)/g' \
		dkms.conf >$(DKMS_SRC)/dkms.conf

# build/deb: hotline-dkms and hotlinectl .debs, built in a copy of the tree
deb:
	@HOTLINE_VERSION=$(HOTLINE_VERSION) $(TOP)/scripts/deb.sh
