# kcat-out.mk -- kcat-out links librdkafka.
kcat-out_CFLAGS = $(shell pkg-config --cflags rdkafka)
kcat-out_LDLIBS = $(shell pkg-config --libs rdkafka)
