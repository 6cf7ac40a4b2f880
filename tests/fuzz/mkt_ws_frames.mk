# mkt_ws_frames.mk -- the harness includes tools/mkt-ws/ws.c, which takes
# SHA-1 and random bytes from OpenSSL's libcrypto; it is rebuilt when ws.c
# changes.
fuzz_mkt_ws_frames_LDLIBS = $(shell pkg-config --libs libcrypto)
build-fuzz/mkt_ws_frames: tools/mkt-ws/ws.c tools/mkt-ws/wsproto.h
