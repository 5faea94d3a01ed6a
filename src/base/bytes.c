/* bytes: little-endian encoding, one byte at a time so alignment and host
 * byte order never matter. */
#include "bytes.h"

static void
put(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void
le_put16(unsigned char *p, uint16_t v)
{
	put(p, v, 2);
}

void
le_put32(unsigned char *p, uint32_t v)
{
	put(p, v, 4);
}

void
le_put64(unsigned char *p, uint64_t v)
{
	put(p, v, 8);
}

uint16_t
le_get16(const unsigned char *p)
{
	return (uint16_t)get(p, 2);
}

uint32_t
le_get32(const unsigned char *p)
{
	return (uint32_t)get(p, 4);
}

uint64_t
le_get64(const unsigned char *p)
{
	return get(p, 8);
}
