# kcat-in.mk -- kcat-in links librdkafka.
kcat-in_CFLAGS = $(shell pkg-config --cflags rdkafka)
kcat-in_LDLIBS = $(shell pkg-config --libs rdkafka)
