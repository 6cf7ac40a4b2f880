wshub_LDLIBS = $(shell pkg-config --libs libwebsockets) -lpthread
