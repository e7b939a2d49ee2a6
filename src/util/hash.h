/* Digests (hex) and the small numeric helpers events need. */
#ifndef KN_HASH_H
#define KN_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hashes {
	char md5[33];
	char sha1[41];
	char sha256[65];
	char sha512[129];
};

/* 0, or -1 when the crypto library fails (the strings are then empty). */
int hashes_compute(const void *data, size_t len, struct hashes *h);
/* Raw SHA-1 of data into out[20]. */
int sha1_raw(const void *data, size_t len, unsigned char out[20]);
/* Standard base64 of len bytes into out (at least 4 * ((len + 2) / 3) + 1). */
void base64_encode(const unsigned char *in, size_t len, char *out);
/* Shannon entropy of the bytes, in bits per byte (0..8). */
double shannon_entropy(const unsigned char *data, size_t len);

#endif
