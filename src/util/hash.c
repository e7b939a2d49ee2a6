#include "util/hash.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

static int digest_hex(const EVP_MD *md, const void *data, size_t len, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = 0;
	if (!EVP_Digest(data, len, d, &n, md, NULL))
		return -1;
	for (unsigned int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	return 0;
}

int hashes_compute(const void *data, size_t len, struct hashes *h)
{
	int rc = 0;

	rc |= digest_hex(EVP_md5(), data, len, h->md5);
	rc |= digest_hex(EVP_sha1(), data, len, h->sha1);
	rc |= digest_hex(EVP_sha256(), data, len, h->sha256);
	rc |= digest_hex(EVP_sha512(), data, len, h->sha512);
	return rc ? -1 : 0;
}

int sha1_raw(const void *data, size_t len, unsigned char out[20])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha1(), NULL) && n == 20 ? 0 : -1;
}

void base64_encode(const unsigned char *in, size_t len, char *out)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tbl[v & 63] : '=';
	}
	out[o] = 0;
}

double shannon_entropy(const unsigned char *data, size_t len)
{
	size_t count[256] = {0};
	double e = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		count[data[i]]++;
	for (int b = 0; b < 256; b++) {
		if (count[b]) {
			double p = (double)count[b] / (double)len;

			e -= p * log2(p);
		}
	}
	return e;
}
