/* SHA-256 (FIPS 180-4), for the content hash of policy sources. */
#ifndef KAM_SHA256_H
#define KAM_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* hex receives 64 lowercase hex digits and a NUL. */
void kam_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
