pgsink_CFLAGS = $(shell pkg-config --cflags libpq)
pgsink_LDLIBS = $(shell pkg-config --libs libpq)
