# mkt-ws.mk -- mkt-ws links libwebsockets (event loop, sockets), OpenSSL (TLS, SHA-1 and randomness for the WebSocket handshake) and libjq (--map).
mkt-ws_LDLIBS = $(shell pkg-config --libs libwebsockets openssl) $(JQ_LIBS) -lpthread
