/* SPDX-License-Identifier: MIT */
/* url.c -- RFC 3986 reference resolution (section 5.2) for link targets. */
#include <stdlib.h>
#include <string.h>

#include "html2text.h"

struct uparts {
	const char *scheme, *auth, *path, *query, *frag;
	size_t nscheme, nauth, npath, nquery, nfrag;
	int has_scheme, has_auth, has_query, has_frag;
};

/* Split s[0..n) into its five components (RFC 3986 appendix B). */
static void split(const char *s, size_t n, struct uparts *u)
{
	size_t i = 0, j;

	memset(u, 0, sizeof(*u));
	for (j = 0; j < n; j++) {
		char c = s[j];
		if (c == ':' ) {
			if (j > 0) {
				u->has_scheme = 1;
				u->scheme = s;
				u->nscheme = j;
				i = j + 1;
			}
			break;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (j > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
			break;
	}
	if (i + 1 < n && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		u->has_auth = 1;
		u->auth = s + i;
		while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
			i++;
		u->nauth = (size_t)(s + i - u->auth);
	}
	u->path = s + i;
	while (i < n && s[i] != '?' && s[i] != '#')
		i++;
	u->npath = (size_t)(s + i - u->path);
	if (i < n && s[i] == '?') {
		u->has_query = 1;
		u->query = s + ++i;
		while (i < n && s[i] != '#')
			i++;
		u->nquery = (size_t)(s + i - u->query);
	}
	if (i < n && s[i] == '#') {
		u->has_frag = 1;
		u->frag = s + i + 1;
		u->nfrag = n - i - 1;
	}
}

/* remove_dot_segments (section 5.2.4) of in[0..n), appended to out. */
static int remove_dots(const char *in, size_t n, struct mkt_buf *out)
{
	size_t base = out->len, i = 0;

	while (i < n) {
		size_t rest = n - i;
		const char *p = in + i;
		if (rest >= 3 && !memcmp(p, "../", 3)) {
			i += 3;
		} else if (rest >= 2 && !memcmp(p, "./", 2)) {
			i += 2;
		} else if (rest >= 3 && !memcmp(p, "/./", 3)) {
			i += 2;
		} else if (rest == 2 && !memcmp(p, "/.", 2)) {
			if (mkt_buf_addc(out, '/') < 0)
				return -1;
			i = n;
		} else if ((rest >= 4 && !memcmp(p, "/../", 4)) ||
		    (rest == 3 && !memcmp(p, "/..", 3))) {
			/* drop the last segment written */
			while (out->len > base && out->p[out->len - 1] != '/')
				out->len--;
			if (out->len > base)
				out->len--;
			out->p[out->len] = '\0';
			if (rest == 3) {
				if (mkt_buf_addc(out, '/') < 0)
					return -1;
				i = n;
			} else {
				i += 3;
			}
		} else if ((rest == 1 && p[0] == '.') || (rest == 2 && !memcmp(p, "..", 2))) {
			i = n;
		} else {
			size_t j = i + (p[0] == '/' ? 1 : 0);
			while (j < n && in[j] != '/')
				j++;
			if (mkt_buf_add(out, in + i, j - i) < 0)
				return -1;
			i = j;
		}
	}
	return 0;
}

int url_resolve(const char *base, const char *ref, size_t rlen,
    struct mkt_buf *out)
{
	struct uparts b, r;
	struct mkt_buf m = MKT_BUF_INIT;
	int rc = 0;

	while (rlen && (unsigned char)*ref <= ' ') {
		ref++;
		rlen--;
	}
	while (rlen && (unsigned char)ref[rlen - 1] <= ' ')
		rlen--;
	if (!base || !*base)
		return mkt_buf_add(out, ref, rlen);
	split(ref, rlen, &r);
	split(base, strlen(base), &b);
	if (!b.has_scheme)
		return mkt_buf_add(out, ref, rlen);
	if (r.has_scheme) {
		mkt_buf_add(out, r.scheme, r.nscheme);
		mkt_buf_addc(out, ':');
		if (r.has_auth) {
			mkt_buf_add(out, "//", 2);
			mkt_buf_add(out, r.auth, r.nauth);
		}
		rc = remove_dots(r.path, r.npath, out);
		if (r.has_query) {
			mkt_buf_addc(out, '?');
			mkt_buf_add(out, r.query, r.nquery);
		}
	} else {
		mkt_buf_add(out, b.scheme, b.nscheme);
		mkt_buf_addc(out, ':');
		if (r.has_auth) {
			mkt_buf_add(out, "//", 2);
			mkt_buf_add(out, r.auth, r.nauth);
			rc = remove_dots(r.path, r.npath, out);
			if (r.has_query) {
				mkt_buf_addc(out, '?');
				mkt_buf_add(out, r.query, r.nquery);
			}
		} else {
			if (b.has_auth) {
				mkt_buf_add(out, "//", 2);
				mkt_buf_add(out, b.auth, b.nauth);
			}
			if (r.npath == 0) {
				mkt_buf_add(out, b.path, b.npath);
				if (r.has_query) {
					mkt_buf_addc(out, '?');
					mkt_buf_add(out, r.query, r.nquery);
				} else if (b.has_query) {
					mkt_buf_addc(out, '?');
					mkt_buf_add(out, b.query, b.nquery);
				}
			} else {
				if (r.path[0] == '/') {
					rc = remove_dots(r.path, r.npath, out);
				} else {
					/* merge (5.2.3) */
					if (b.has_auth && b.npath == 0) {
						mkt_buf_addc(&m, '/');
					} else {
						size_t k = b.npath;
						while (k > 0 && b.path[k - 1] != '/')
							k--;
						mkt_buf_add(&m, b.path, k);
					}
					mkt_buf_add(&m, r.path, r.npath);
					rc = m.oom ? -1 : remove_dots(m.p, m.len, out);
				}
				if (r.has_query) {
					mkt_buf_addc(out, '?');
					mkt_buf_add(out, r.query, r.nquery);
				}
			}
		}
	}
	if (r.has_frag) {
		mkt_buf_addc(out, '#');
		mkt_buf_add(out, r.frag, r.nfrag);
	}
	mkt_buf_free(&m);
	return rc < 0 || out->oom ? -1 : 0;
}
