/* bytes: fixed-width little-endian integers, the byte order of every
 * storykiosk file format (key files, sealed stories, bundles, receipts). */
#ifndef BYTES_H
#define BYTES_H

#include <stdint.h>

void le_put16(unsigned char *p, uint16_t v);
void le_put32(unsigned char *p, uint32_t v);
void le_put64(unsigned char *p, uint64_t v);
uint16_t le_get16(const unsigned char *p);
uint32_t le_get32(const unsigned char *p);
uint64_t le_get64(const unsigned char *p);

#endif
