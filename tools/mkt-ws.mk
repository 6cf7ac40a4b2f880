# mkt-ws.mk -- mkt-ws links libwebsockets (and OpenSSL, for --cacert on top of the system store) and libjq (--map).
mkt-ws_LDLIBS = $(shell pkg-config --libs libwebsockets openssl) $(JQ_LIBS) -lpthread
