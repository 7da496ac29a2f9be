# supportkpi — build, test, install.  `make help` lists the targets.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
VERSION  := 0.1.0

CC       ?= cc
PKGS     := sqlite3 xlsxwriter inih jansson nettle
WARN     := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla -Werror
CFLAGS   ?= -O2 -g
ifdef SANITIZE
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
O        ?= build/san
else
O        ?= build
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DSKPI_VERSION='"$(VERSION)"' \
             -Iinclude -I$(O)/gen $(PKG_CFLAGS) -pthread $(CFLAGS)
LIBS       = $(PKG_LIBS) -lcsv -lm -pthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC   := $(sort $(wildcard lib/*.c))
LIB_OBJ   := $(LIB_SRC:lib/%.c=$(O)/lib/%.o) $(O)/gen/schema_sql.o
TOOL_SRC  := $(sort $(wildcard tools/*.c))
TOOLS     := $(patsubst tools/%.c,$(O)/bin/supportkpi-%,$(filter-out tools/supportkpi.c,$(TOOL_SRC))) $(O)/bin/supportkpi
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNITS     := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
SQL       := $(sort $(wildcard schema/*.sql))
HDRS      := $(wildcard include/supportkpi/*.h) tests/unit/unit.h
MANPAGES  := $(sort $(wildcard docs/man/*.1))
DEB_PKGS  := build-essential pkg-config libsqlite3-dev sqlite3 libcsv-dev libinih-dev \
             libxlsxwriter-dev libjansson-dev nettle-dev gnuplot-nox python3-openpyxl mandoc time

.PHONY: all deps check unit e2e demo bench install uninstall clean help lint-man fuzz
all: deps-ok $(TOOLS) $(UNITS)

help:
	@echo 'make            build the tools into $(O)/bin'
	@echo 'make deps       install missing Debian packages (root), else print the apt-get line'
	@echo 'make check      deps, warnings-as-errors build, every test (also under ASan+UBSan)'
	@echo 'make demo       deps, build, generate samples, load them, print the monthly figures'
	@echo 'make bench      timed comparisons against the sqlite3 shell (1,000,000 tickets)'
	@echo 'make install    PREFIX=$(PREFIX) DESTDIR= : binaries and man pages'
	@echo 'make lint-man   check the man pages with mandoc -T lint'
	@echo 'make fuzz       libFuzzer on the CSV reader, timestamps, mapping files (FUZZ_SECONDS=30)'
	@echo 'make clean      remove build output'

# deps: install what is missing (as root), otherwise say exactly what to run.
deps:
	@sh tools/deps.sh $(DEB_PKGS)
.PHONY: deps-ok
deps-ok:
	@pkg-config --exists $(PKGS) && test -f /usr/include/csv.h || \
	  { echo "supportkpi: build dependencies are missing: run 'make deps'" >&2; exit 1; }

$(O)/lib/%.o: lib/%.c $(HDRS) | $(O)/lib $(O)/gen/schema_sql.h
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# one run of embed.sh makes both files: a grouped target (&:), so that make -j runs it once
$(O)/gen/schema_sql.c $(O)/gen/schema_sql.h &: $(SQL) tools/embed.sh | $(O)/gen
	@echo "  EMBED   schema/*.sql"
	$(Q)sh tools/embed.sh $(O)/gen/schema_sql $(SQL)

$(O)/gen/schema_sql.o: $(O)/gen/schema_sql.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libsupportkpi.a: $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/bin/supportkpi-%: tools/%.c $(O)/libsupportkpi.a $(HDRS) | $(O)/bin
	@echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libsupportkpi.a $(LDFLAGS) $(LIBS)

$(O)/bin/supportkpi: tools/supportkpi.c $(O)/libsupportkpi.a $(HDRS) | $(O)/bin
	@echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libsupportkpi.a $(LDFLAGS) $(LIBS)

$(O)/tests/%: tests/unit/%.c $(O)/libsupportkpi.a $(HDRS) | $(O)/tests
	@echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(O)/libsupportkpi.a $(LDFLAGS) $(LIBS)

$(O)/lib $(O)/bin $(O)/gen $(O)/tests:
	$(Q)mkdir -p $@

# check: a warnings-as-errors build and the whole suite on it, then the same suite
# on an ASan+UBSan build.  The last line is `N passed, N failed`.
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined all
	$(Q)$(MAKE) --no-print-directory lint-man
	$(Q)sh tests/run.sh build build/san

unit: all
	$(Q)sh tests/run.sh $(O)

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh samples/demo.sh $(O)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh tests/bench.sh $(O)

# fuzz: build each tests/fuzz/fuzz_*.c with clang's libFuzzer (ASan+UBSan) against the
# library sources and run it FUZZ_SECONDS seconds on its corpus in build/fuzz/corpus/NAME
# (seeded from tests/fuzz/seeds/NAME when present).  Not part of `make check`.
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
fuzz: deps-ok
	$(Q)$(MAKE) --no-print-directory O=build/fuzz build/fuzz/gen/schema_sql.c
	$(Q)for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); echo "  FUZZ    $$n ($(FUZZ_SECONDS) s)"; \
	  $(FUZZ_CC) -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	    -DSKPI_VERSION='"$(VERSION)"' -Iinclude -Ibuild/fuzz/gen $(PKG_CFLAGS) \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o build/fuzz/$$n $$f $(LIB_SRC) build/fuzz/gen/schema_sql.c $(LIBS) || exit 1; \
	  mkdir -p build/fuzz/corpus/$$n; \
	  build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus/$$n \
	    $$( [ -d tests/fuzz/seeds/$$n ] && echo tests/fuzz/seeds/$$n ) 2>build/fuzz/$$n.log || \
	    { tail -n 30 build/fuzz/$$n.log; exit 1; }; \
	  tail -n 1 build/fuzz/$$n.log; \
	done

# lint-man: every page in mdoc, clean under mandoc's linter (warnings are errors)
lint-man:
	$(Q)if command -v mandoc >/dev/null; then \
	  for m in $(MANPAGES); do mandoc -T lint -W warning $$m || exit 1; done; \
	else echo "supportkpi: mandoc is not installed: man pages not linted" >&2; fi

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	$(if $(MANPAGES),install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOLS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES)))

clean:
	rm -rf build
