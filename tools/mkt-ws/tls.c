/* SPDX-License-Identifier: MIT */
/* tls.c -- a TLS client session over memory buffers (OpenSSL)
 *
 * The socket belongs to the event loop; this file only turns the bytes
 * it reads into plaintext and plaintext into bytes to write, through a
 * pair of memory BIOs. The server's certificate is checked against the
 * system's trust store and --cacert, and against the host name (or IP
 * address) of the URL, unless --insecure. TLS 1.2 at least; SNI for host
 * names; ALPN offers http/1.1 only (the upgrade is HTTP/1.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "wsproto.h"

struct tlsc {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rb, *wb;   /* network side: what was read, what is to be sent */
	int done;       /* handshake complete */
};

/* The last OpenSSL error (or what) into errstr. */
static void ssl_err(const char *what, char *errstr, size_t errsize)
{
	unsigned long e = ERR_get_error();
	char t[160];
	if (e) {
		ERR_error_string_n(e, t, sizeof(t));
		snprintf(errstr, errsize, "TLS: %s: %s", what, t);
	} else {
		snprintf(errstr, errsize, "TLS: %s", what);
	}
	ERR_clear_error();
}

struct tlsc *tlsc_new(const char *cafile, int insecure, char *errstr,
    size_t errsize)
{
	struct tlsc *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(errstr, errsize, "out of memory");
		return NULL;
	}
	if (!(t->ctx = SSL_CTX_new(TLS_client_method()))) {
		ssl_err("cannot create a context", errstr, errsize);
		free(t);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_RELEASE_BUFFERS);
	if (insecure) {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_default_verify_paths(t->ctx);
		if (cafile && !SSL_CTX_load_verify_locations(t->ctx, cafile,
		    NULL)) {
			char m[256];
			snprintf(m, sizeof(m), "%s: cannot load certificates", cafile);
			ssl_err(m, errstr, errsize);
			tlsc_free(t);
			return NULL;
		}
	}
	static const unsigned char alpn[] = "\x08http/1.1";
	SSL_CTX_set_alpn_protos(t->ctx, alpn, sizeof(alpn) - 1);
	return t;
}

/* Move what OpenSSL wants sent onto tx. */
static int drain(struct tlsc *t, struct mkt_buf *tx)
{
	size_t p;
	while ((p = BIO_ctrl_pending(t->wb)) > 0) {
		if (mkt_buf_reserve(tx, p) < 0)
			return -1;
		int n = BIO_read(t->wb, tx->p + tx->len, (int)p);
		if (n <= 0)
			break;
		tx->len += (size_t)n;
		tx->p[tx->len] = '\0';
	}
	return 0;
}

int tlsc_start(struct tlsc *t, const char *host, struct mkt_buf *tx,
    char *errstr, size_t errsize)
{
	tlsc_end(t);
	unsigned char a[16];
	int ip = inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
	if (!(t->ssl = SSL_new(t->ctx)) ||
	    !(t->rb = BIO_new(BIO_s_mem())) || !(t->wb = BIO_new(BIO_s_mem()))) {
		ssl_err("cannot create a session", errstr, errsize);
		BIO_free(t->rb);
		BIO_free(t->wb);
		t->rb = t->wb = NULL;
		tlsc_end(t);
		return -1;
	}
	BIO_set_mem_eof_return(t->rb, -1);
	SSL_set_bio(t->ssl, t->rb, t->wb);
	if (ip) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), host);
	} else {
		SSL_set_tlsext_host_name(t->ssl, host);
		SSL_set1_host(t->ssl, host);
	}
	SSL_set_connect_state(t->ssl);
	t->done = 0;
	ERR_clear_error();
	int r = SSL_do_handshake(t->ssl);
	if (r <= 0 && SSL_get_error(t->ssl, r) != SSL_ERROR_WANT_READ) {
		ssl_err("handshake failed", errstr, errsize);
		return -1;
	}
	return drain(t, tx);
}

int tlsc_feed(struct tlsc *t, const char *p, size_t n, struct mkt_buf *tx,
    char *errstr, size_t errsize)
{
	if (!t->ssl)
		return -1;
	if (n && BIO_write(t->rb, p, (int)n) != (int)n) {
		snprintf(errstr, errsize, "out of memory");
		return -1;
	}
	if (t->done)
		return 0;
	ERR_clear_error();
	int r = SSL_do_handshake(t->ssl);
	if (r == 1) {
		t->done = 1;
		return drain(t, tx) < 0 ? -1 : 1;
	}
	if (SSL_get_error(t->ssl, r) != SSL_ERROR_WANT_READ) {
		long v = SSL_get_verify_result(t->ssl);
		if (v != X509_V_OK) {
			snprintf(errstr, errsize, "TLS: certificate verify failed: %s",
			    X509_verify_cert_error_string(v));
			ERR_clear_error();
			return -2;
		}
		ssl_err("handshake failed", errstr, errsize);
		return -1;
	}
	return drain(t, tx);
}

long tlsc_read(struct tlsc *t, char *buf, size_t cap, struct mkt_buf *tx,
    char *errstr, size_t errsize)
{
	if (!t->ssl || !t->done)
		return 0;
	ERR_clear_error();
	int r = SSL_read(t->ssl, buf, cap > (1u << 30) ? 1 << 30 : (int)cap);
	if (r > 0)
		return r;
	int e = SSL_get_error(t->ssl, r);
	if (drain(t, tx) < 0)
		return -1;
	if (e == SSL_ERROR_WANT_READ)
		return 0;
	if (e == SSL_ERROR_ZERO_RETURN) {
		snprintf(errstr, errsize, "TLS: the server ended the session");
		return -1;
	}
	ssl_err("read failed", errstr, errsize);
	return -1;
}

int tlsc_write(struct tlsc *t, const void *p, size_t n, struct mkt_buf *tx)
{
	if (!t->ssl || !t->done)
		return -1;
	ERR_clear_error();
	if (n && SSL_write(t->ssl, p, (int)n) != (int)n)
		return -1;
	return drain(t, tx);
}

void tlsc_end(struct tlsc *t)
{
	if (t->ssl)
		SSL_free(t->ssl);  /* frees the BIOs too */
	t->ssl = NULL;
	t->rb = t->wb = NULL;
	t->done = 0;
}

void tlsc_free(struct tlsc *t)
{
	if (!t)
		return;
	tlsc_end(t);
	SSL_CTX_free(t->ctx);
	free(t);
}
