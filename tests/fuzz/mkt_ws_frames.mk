# mkt_ws_frames.mk -- the harness includes tools/mkt-ws/ws.c, which takes
# SHA-1 and random bytes from OpenSSL's libcrypto.
fuzz_mkt_ws_frames_LDLIBS = $(shell pkg-config --libs libcrypto)
