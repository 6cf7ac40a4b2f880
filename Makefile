# Makefile -- mktpipe: builds lib/libmkt.a and one program per tools/ entry.
#
#   make                      build everything into build/bin
#   make check                unit tests, bats tests, a short fuzz run
#   make SANITIZE=address,undefined check
#                             the same with sanitizers (into build-san/)
#   make demo                 the stock monitor, live
#   make bench                benchmarks against their anchors
#   make install PREFIX=/usr/local DESTDIR=
#
# A program is tools/NAME.c, or a folder tools/NAME/ of .c files. The
# libraries it links beyond libmkt come from tools/NAME.mk, which sets
# NAME_LDLIBS (and NAME_CFLAGS if needed). Set them with '=' (not ':='):
# a $(shell pkg-config ...) must run when the program is linked, after
# install-deps has put pkg-config and the library there.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/mktpipe

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes
ALL_CPPFLAGS := -D_GNU_SOURCE -Ilib -DMKT_DATADIR='"$(DATADIR)"' $(CPPFLAGS)

SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SANFLAGS :=
endif

ALL_CFLAGS := $(WARN) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

JQ_LIBS := -ljq -lonig

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
LIBMKT := $(BUILD)/libmkt.a

TOOL_FILES := $(wildcard tools/*.c)
TOOL_DIRS := $(patsubst %/,%,$(wildcard tools/*/))
TOOLS := $(sort $(notdir $(TOOL_FILES:.c=)) $(notdir $(TOOL_DIRS)))
BINS := $(TOOLS:%=$(BUILD)/bin/%)

-include $(wildcard tools/*.mk)

# Every build first asks install-deps whether anything is missing (one
# dpkg-query and one node call, a fraction of a second) and installs it if
# so: a phony order-only prerequisite runs each time but rebuilds nothing.
DEPS_STAMP := deps-ok

.PHONY: all check unit bats fuzz fuzz-short demo bench install uninstall clean deps deps-ok lint
all: $(BINS) $(BUILD)/share/stamp

# ---- dependencies: install what is missing
$(DEPS_STAMP):
	@scripts/install-deps --check >/dev/null 2>&1 || scripts/install-deps

deps:
	scripts/install-deps

# ---- library
$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBMKT): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# ---- programs
.SECONDEXPANSION:
$(BUILD)/bin/%: $$(wildcard tools/$$*.c tools/$$*/*.c tools/$$*/*.h tools/$$*.mk) $(LIBMKT) $(wildcard lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $($*_CFLAGS) $(ALL_CFLAGS) -o $@ \
		$(filter %.c,$^) $(ALL_LDFLAGS) $(LIBMKT) $($*_LDLIBS) -lm

# ---- data files built from npm packages (lexicon, dashboard assets)
$(BUILD)/share/stamp: $(wildcard scripts/build-data data/* examples/symbols.tsv examples/dashboard/*) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@if [ -x scripts/build-data ]; then scripts/build-data $(BUILD)/share; fi
	@touch $@

# ---- tests
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIBMKT) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(LIBMKT) $(JQ_LIBS) -lm

# the scanner's unit test against jq runs the fuzz harness's oracle
$(BUILD)/tests/test_json_jq: tests/fuzz/json_scan.c

unit: $(UNIT_BINS)
	@tests/run-unit $(UNIT_BINS)

bats: all
	@MKT_BUILD=$(abspath $(BUILD)) tests/run-bats

FUZZ_SRC := $(wildcard tests/fuzz/*.c)
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 20

# A harness may need more than libmkt and jq: tests/fuzz/NAME.mk sets
# fuzz_NAME_LDLIBS (and fuzz_NAME_CFLAGS).
-include $(wildcard tests/fuzz/*.mk)
FUZZ_CFLAGS := -g -O1 -D_GNU_SOURCE -Ilib -fsanitize=fuzzer-no-link,address,undefined
FUZZ_LIB_OBJ := $(LIB_SRC:lib/%.c=build-fuzz/lib/%.o)

build-fuzz/lib/%.o: lib/%.c $(wildcard lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

build-fuzz/libmkt.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# A harness may include a program's sources whole: -MMD records what it
# read, so a change there rebuilds it.
build-fuzz/%: tests/fuzz/%.c build-fuzz/libmkt.a | $(DEPS_STAMP)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $(fuzz_$*_CFLAGS) -MMD -MP -MF $@.d -fsanitize=fuzzer -o $@ $< \
		build-fuzz/libmkt.a $(fuzz_$*_LDLIBS) $(JQ_LIBS) -lm
-include $(wildcard build-fuzz/*.d)

fuzz: $(FUZZ_BINS)
	@tests/run-fuzz $(FUZZ_SECONDS) $(FUZZ_BINS)

fuzz-short: $(FUZZ_BINS)
	@tests/run-fuzz $(FUZZ_SHORT_SECONDS) $(FUZZ_BINS)

check: all unit bats fuzz-short
	@echo "make check: all passed"

# ---- the main job and the benchmarks
demo: all
	MKT_BUILD=$(abspath $(BUILD)) pipelines/demo

bench: all
	MKT_BUILD=$(abspath $(BUILD)) tests/bench/run

# ---- install
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7
	@if [ -n "$$(ls $(BUILD)/share 2>/dev/null | grep -v '^stamp$$')" ]; then \
		cp -R $(BUILD)/share/. $(DESTDIR)$(DATADIR)/ && rm -f $(DESTDIR)$(DATADIR)/stamp; fi

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(wildcard man/*.1))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man7/%,$(wildcard man/*.7))
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz
