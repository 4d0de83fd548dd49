/* SPDX-License-Identifier: MIT */
#include "sha256.h"

#include <stdbool.h>
#include <string.h>

static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
        return (x >> n) | (x << (32 - n));
}

/* One round, with the eight working variables named in place rather than shifted along: eight
 * rounds a pass, unrolled (about twice the speed of the loop that moves them; a record of 100 000
 * keys is hashed twice per transaction). */
#define ROUND(a, b, c, d, e, f, g, h, i)                                                                      \
        do {                                                                                                \
                uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + (g ^ (e & (f ^ g))) + K[i] + w[i];  \
                uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) | (c & (a | b)));            \
                d += t1;                                                                                    \
                h = t1 + t2;                                                                                \
        } while (0)

static void block(uint32_t hs[8], const unsigned char *p)
{
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
                w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
        for (int i = 16; i < 64; i++) {
                uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
                uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = hs[0], b = hs[1], c = hs[2], d = hs[3], e = hs[4], f = hs[5], g = hs[6], h = hs[7];
        for (int i = 0; i < 64; i += 8) {
                ROUND(a, b, c, d, e, f, g, h, i);
                ROUND(h, a, b, c, d, e, f, g, i + 1);
                ROUND(g, h, a, b, c, d, e, f, i + 2);
                ROUND(f, g, h, a, b, c, d, e, i + 3);
                ROUND(e, f, g, h, a, b, c, d, i + 4);
                ROUND(d, e, f, g, h, a, b, c, i + 5);
                ROUND(c, d, e, f, g, h, a, b, i + 6);
                ROUND(b, c, d, e, f, g, h, a, i + 7);
        }
        hs[0] += a;
        hs[1] += b;
        hs[2] += c;
        hs[3] += d;
        hs[4] += e;
        hs[5] += f;
        hs[6] += g;
        hs[7] += h;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The x86 SHA extensions (Intel SHA-NI, AMD since Zen): four rounds an instruction pair, about
 * five times the portable rounds above. A generation record of 9 000 keys is a megabyte, hashed
 * when it is written and again when it is read. The state is kept as the instructions want it:
 * one register holds A B E F, the other C D G H. The message schedule is a ring of four groups of
 * four words: msg1 adds sigma0 of the next group, msg2 sigma1 of the last, alignr the W[t-7]. */
#include <cpuid.h>
#include <immintrin.h>

__attribute__((target("sha,sse4.1"))) static void blocks_ni(uint32_t hs[8], const unsigned char *p, size_t n)
{
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
        __m128i dcba = _mm_loadu_si128((const __m128i *)&hs[0]), hgfe = _mm_loadu_si128((const __m128i *)&hs[4]);
        __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1), efgh = _mm_shuffle_epi32(hgfe, 0x1b);
        __m128i abef = _mm_alignr_epi8(cdab, efgh, 8), cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
        for (; n > 0; n--, p += 64) {
                __m128i abef0 = abef, cdgh0 = cdgh, w[4];
                for (int g = 0; g < 16; g++) {
                        __m128i m;
                        if (g < 4) {
                                m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
                        } else { /* w[g & 3] holds group g-4, w[(g + 1) & 3] g-3, ... w[(g + 3) & 3] g-1 */
                                m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                                m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                                m = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
                        }
                        w[g & 3] = m;
                        __m128i wk = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * g]));
                        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
                        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
                }
                abef = _mm_add_epi32(abef, abef0);
                cdgh = _mm_add_epi32(cdgh, cdgh0);
        }
        __m128i feba = _mm_shuffle_epi32(abef, 0x1b), dchg = _mm_shuffle_epi32(cdgh, 0xb1);
        _mm_storeu_si128((__m128i *)&hs[0], _mm_blend_epi16(feba, dchg, 0xf0));
        _mm_storeu_si128((__m128i *)&hs[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* CPUID leaf 7 EBX bit 29 (SHA) and leaf 1 ECX bits 19 (SSE4.1) and 9 (SSSE3). A machine (or an
 * emulator such as valgrind) that does not report them gets the portable rounds. */
static bool have_ni(void)
{
        static int known = -1;
        if (known < 0) {
                unsigned a, b, c, d;
                bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
                bool sse = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9));
                known = sha && sse;
        }
        return known == 1;
}
#else
static void blocks_ni(uint32_t hs[8], const unsigned char *p, size_t n)
{
        (void)hs, (void)p, (void)n;
}

static bool have_ni(void)
{
        return false;
}
#endif

static bool portable_only;

void sha256_portable(bool on)
{
        portable_only = on;
}

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
        uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        const unsigned char *p = data;
        size_t left = len;
        if (left >= 64 && !portable_only && have_ni()) {
                blocks_ni(h, p, left / 64);
                p += left / 64 * 64;
                left %= 64;
        }
        for (; left >= 64; p += 64, left -= 64)
                block(h, p);
        /* Padding: 0x80, zeros, and the length in bits, big-endian, in one or two blocks. */
        unsigned char tail[128] = {0};
        memcpy(tail, p, left);
        tail[left] = 0x80;
        size_t tlen = left + 9 <= 64 ? 64 : 128;
        uint64_t bits = (uint64_t)len * 8;
        for (int i = 0; i < 8; i++)
                tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
        block(h, tail);
        if (tlen == 128)
                block(h, tail + 64);
        static const char digits[] = "0123456789abcdef";
        for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                        hex[i * 8 + j] = digits[(h[i] >> (28 - 4 * j)) & 0xf];
        hex[SHA256_HEX_LEN] = '\0';
}
