# kmock.mk -- kmock links librdkafka.
kmock_CFLAGS = $(shell pkg-config --cflags rdkafka)
kmock_LDLIBS = $(shell pkg-config --libs rdkafka)
