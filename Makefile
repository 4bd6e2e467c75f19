# zoompipe - one non-recursive GNU Makefile.
#
#   make              build everything into build/
#   make check        install missing packages, build with ASan+UBSan into
#                     build/check/, run unit and end-to-end tests
#   make demo         zp-sim and the daily job against it (pipelines/demo)
#   make bench        benchmarks against jq on the same input
#   make fuzz         libFuzzer targets (clang), FUZZ_TIME seconds each
#   make install      PREFIX=/usr/local
#   make fmt          clang-format every C file in place
#   make deps         install (as root) or name the missing Debian packages

BUILD    ?= build
SANITIZE ?=
PREFIX   ?= /usr/local
FUZZ_TIME ?= 30
CC       ?= cc

DEBS = gcc make pkg-config libc6-dev libcurl4-openssl-dev libzmq3-dev \
       libjq-dev libssl-dev libyaml-dev libmicrohttpd-dev libpcre2-dev \
       jq time coreutils curl python3-jsonschema
FUZZ_DEBS = clang libclang-rt-14-dev
PKGS = libzmq openssl libcurl libmicrohttpd yaml-0.1 libpcre2-8

CFLAGS   ?= -O2 -g
ZP_CFLAGS = -std=c11 -Wall -Wextra -Werror -MMD -MP \
            -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib -Isim -Ifetch -Imatch \
            -Isanitize -Iemit \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ZP_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
JQ_LIBS   = -ljq

ifneq ($(SANITIZE),)
ZP_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBZP    = $(BUILD)/libzp.a

# Each tool directory D (sim, fetch, sanitize, ...) builds every D/*.c but
# main.c into build/libD.a, which the unit tests link too, and main.c into
# build/bin/zp-D.
TOOLS    = $(foreach d,sim fetch sanitize match emit,$(if $(wildcard $(d)/*.c),$(d)))
tool_src = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
tool_obj = $(patsubst %.c,$(BUILD)/%.o,$(call tool_src,$(1)))
TOOL_LIBS = $(foreach d,$(TOOLS),$(BUILD)/lib$(d).a)
TOOL_BINS = $(foreach d,$(TOOLS),$(if $(wildcard $(d)/main.c),$(BUILD)/bin/zp-$(d)))
SIM_BIN  = $(filter %/zp-sim,$(TOOL_BINS))

UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_OBJ = $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(BUILD)/tests/unit/run-unit

TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

BENCH_SRC = $(wildcard tests/bench/*.c)
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(BUILD)/tests/bench/%)

FUZZ_SRC = $(wildcard tests/fuzz/*.c)

ALL = $(LIBZP) $(TOOL_LIBS) $(UNIT_BIN) $(TOOL_BIN) $(BENCH_BIN) $(TOOL_BINS)

.PHONY: all check test bench demo fuzz fuzz-run install fmt deps clean
.DEFAULT_GOAL := all
.SECONDARY:

all: $(ALL)

# V=1 shows the whole compiler command lines.
ifeq ($(V),1)
Q =
else
Q = @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ZP_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBZP): $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

.SECONDEXPANSION:
$(BUILD)/lib%.a: $$(call tool_obj,$$*)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

# zp-emit also links zp-match's library (the canonical form of ids).
TOOL_DEPS_emit = $(BUILD)/libmatch.a

$(BUILD)/bin/zp-%: $(BUILD)/%/main.o $(BUILD)/lib%.a $$(TOOL_DEPS_$$*) $(LIBZP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/lib$*.a $(TOOL_DEPS_$*) \
	    $(LIBZP) $(ZP_LIBS) $(JQ_LIBS)

$(UNIT_BIN): $(UNIT_OBJ) $(TOOL_LIBS) $(LIBZP)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) -Wl,--start-group \
	    $(TOOL_LIBS) -Wl,--end-group $(LIBZP) $(ZP_LIBS) $(JQ_LIBS)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIBZP)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBZP) $(ZP_LIBS)

$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(LIBZP)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBZP) $(ZP_LIBS)

# The built-in rules of zp-sanitize live in a YAML file, embedded as C.
sanitize/builtin.c: sanitize/builtin_rules.yaml mk/embed.sh
	@$(if $(Q),echo "  EMBED   $@")
	$(Q)sh mk/embed.sh $< sanitize_builtin_rules > $@.tmp && mv $@.tmp $@

deps:
	@sh mk/deps.sh $(DEBS)

# check: the README's test command.  It rebuilds with the sanitizers into
# build/check so that the plain build stays fast for bench and install.
check: deps
	@$(MAKE) --no-print-directory BUILD=build/check \
	    SANITIZE=address,undefined CFLAGS="-O1 -g" test

test: all
	@sh tests/run.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory BUILD=build all
	@sh tests/bench/run.sh build
	@sh tests/bench/sim.sh build
	@sh tests/bench/fetch.sh build
	@sh tests/bench/sanitize.sh build
	@sh tests/bench/match.sh build
	@sh tests/bench/emit.sh build

# demo: the README's first command: zp-sim, the daily job against it and
# a summary of what came out (pipelines/demo), all in $(BUILD)/demo.
demo: deps
	@$(MAKE) --no-print-directory all
	@ZP_BIN_DIR=$(BUILD)/bin sh pipelines/demo --dir $(BUILD)/demo

fuzz:
	@sh mk/deps.sh $(FUZZ_DEBS)
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
	    SANITIZE=address,undefined \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" fuzz-run

FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)

$(BUILD)/tests/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIBZP)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBZP) $(ZP_LIBS)

fuzz-run: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(BUILD) $(FUZZ_TIME)

install: $(LIBZP) $(TOOL_BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include/zoompipe
	$(if $(TOOL_BINS),install -m 755 $(TOOL_BINS) $(DESTDIR)$(PREFIX)/bin/)
	install -m 644 $(LIBZP) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 lib/*.h $(DESTDIR)$(PREFIX)/include/zoompipe/

fmt:
	clang-format -i $(filter-out sanitize/builtin.c,$(wildcard lib/*.[ch] $(TOOLS:%=%/*.[ch]) tests/*/*.[ch]))

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
