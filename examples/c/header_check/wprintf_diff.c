/*
 * Differential test of winipc's UTF-16 formatter (winipc_utf16.h) against the
 * C library's snprintf: random conversion specs (flags, width, precision,
 * length modifier, conversion) with random values, each formatted by both,
 * must give the same text and the same length; random output capacities must
 * truncate and terminate.  Built with AddressSanitizer and UBSan by
 * header_check.sh.  Prints "wprintf_diff ok: N cases" and exits 0 on success.
 *
 *   wprintf_diff [cases] [seed]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "winipc_utf16.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* Appends a random conversion spec for `conv` to spec (narrow). `numeric`
 * allows every flag; strings and characters take '-' only. */
static void random_spec(char *spec, int numeric, const char *length, char conv)
{
    static const char flags[] = "-+ #0";
    size_t n = strlen(spec);
    unsigned i;
    spec[n++] = '%';
    for (i = 0; i < 5; i++)
        if (below(4) == 0 && (numeric || flags[i] == '-'))
            spec[n++] = flags[i];
    if (below(2) == 0)
        n += (size_t)sprintf(spec + n, "%u", below(24));
    if (below(2) == 0)
        n += (size_t)sprintf(spec + n, ".%u", below(24));
    n += (size_t)sprintf(spec + n, "%s%c", length, conv);
    /* Some literal text after it, '%' escaped. */
    if (below(3) == 0) {
        strcpy(spec + n, below(2) ? " x%%y" : "|");
        n = strlen(spec);
    }
    spec[n] = '\0';
}

static void to_wide(winipc_wchar *w, const char *a)
{
    while ((*w++ = (winipc_wchar)(unsigned char)*a++) != 0) {
    }
}

static int failures;

/* Compares the narrow result with the wide one for one case. */
static void compare(const char *spec, const char *want, int want_n, const winipc_wchar *got,
                    int got_n)
{
    char narrow[512];
    size_t i = 0;
    while (got[i] != 0 && i + 1 < sizeof narrow) {
        narrow[i] = got[i] < 0x80 ? (char)got[i] : '?';
        i++;
    }
    narrow[i] = '\0';
    if (want_n != got_n || strcmp(want, narrow) != 0) {
        if (failures++ < 20)
            fprintf(stderr, "MISMATCH spec \"%s\": snprintf %d \"%s\", winipc %d \"%s\"\n", spec,
                    want_n, want, got_n, narrow);
    }
}

/* Formats with a capacity smaller than the result: the prefix, terminated,
 * and the full length returned. */
static void check_truncation(const char *spec, const winipc_wchar *wfmt, const char *want,
                             int want_n, ...)
{
    winipc_wchar small[16];
    size_t cap = 1 + below(15), i;
    int n;
    va_list ap;
    va_start(ap, want_n);
    n = winipc_vsnwprintf16(small, cap, wfmt, ap);
    va_end(ap);
    for (i = 0; i + 1 < cap && i < (size_t)want_n; i++) {
        if (small[i] != (winipc_wchar)(unsigned char)want[i])
            break;
    }
    if (n != want_n || i != ((size_t)want_n < cap - 1 ? (size_t)want_n : cap - 1) || small[i] != 0) {
        if (failures++ < 20)
            fprintf(stderr, "TRUNCATION spec \"%s\" cap %zu: got %d, want %d\n", spec, cap, n,
                    want_n);
    }
}

#define CASE(conv_spec, value)                                                            \
    do {                                                                                  \
        want_n = snprintf(want, sizeof want, spec, (value));                               \
        to_wide(wfmt, spec);                                                              \
        got_n = winipc_snwprintf16(got, sizeof got / sizeof got[0], wfmt, (value));      \
        compare(spec, want, want_n, got, got_n);                                          \
        check_truncation(spec, wfmt, want, want_n, (value));                              \
    } while (0)

int main(int argc, char **argv)
{
    static const char *int_lengths[] = { "", "hh", "h", "l", "ll", "z", "j" };
    static const char int_convs[] = "diuoxX";
    static const char float_convs[] = "eEfFgGaA";
    long cases = argc > 1 ? atol(argv[1]) : 200000;
    long c;
    if (argc > 2)
        rng_state ^= (uint64_t)atoll(argv[2]);

#if defined(__GNUC__)
#  pragma GCC diagnostic ignored "-Wformat-nonliteral"
#  pragma GCC diagnostic ignored "-Wformat-security"
#endif
    for (c = 0; c < cases; c++) {
        char spec[96] = "";
        char want[512];
        winipc_wchar wfmt[96], got[512];
        int want_n, got_n;
        unsigned kind = below(10);
        if (below(4) == 0)
            strcpy(spec, "a:");
        if (kind < 5) {
            const char *len = int_lengths[below(7)];
            char conv = int_convs[below(6)];
            uint64_t v = rnd() >> below(64);
            random_spec(spec, 1, len, conv);
            if (strcmp(len, "l") == 0)
                CASE(spec, (long)v);
            else if (strcmp(len, "ll") == 0)
                CASE(spec, (long long)v);
            else if (strcmp(len, "z") == 0)
                CASE(spec, (size_t)v);
            else if (strcmp(len, "j") == 0)
                CASE(spec, (intmax_t)v);
            else
                CASE(spec, (int)v);
        } else if (kind < 8) {
            char conv = float_convs[below(8)];
            double d = (double)(int64_t)rnd() / (double)(1 + (rnd() >> below(64)));
            if (below(2) == 0) {
                random_spec(spec, 1, "", conv);
                CASE(spec, d);
            } else {
                random_spec(spec, 1, "L", conv);
                CASE(spec, (long double)d);
            }
        } else if (kind == 8) {
            /* A narrow string: %hs in the wide format, %s in the narrow one. */
            static const char text[] = "mailslot\\name with spaces 0123456789";
            const char *s = text + below((unsigned)sizeof text);
            char wide_spec[96];
            size_t k;
            random_spec(spec, 0, "", 's');
            want_n = snprintf(want, sizeof want, spec, s);
            strcpy(wide_spec, spec);
            for (k = strlen(wide_spec); k > 0; k--)
                if (wide_spec[k] == 's') {
                    memmove(wide_spec + k + 1, wide_spec + k, strlen(wide_spec + k) + 1);
                    wide_spec[k] = 'h';
                    break;
                }
            to_wide(wfmt, wide_spec);
            got_n = winipc_snwprintf16(got, sizeof got / sizeof got[0], wfmt, s);
            compare(wide_spec, want, want_n, got, got_n);
        } else {
            /* A character: %hc in the wide format. */
            int ch = 32 + (int)below(95);
            random_spec(spec, 0, "h", 'c');
            to_wide(wfmt, spec);
            got_n = winipc_snwprintf16(got, sizeof got / sizeof got[0], wfmt, ch);
            {
                char narrow_spec[96];
                size_t k, o = 0;
                for (k = 0; spec[k] != 0; k++)
                    if (!(spec[k] == 'h' && spec[k + 1] == 'c'))
                        narrow_spec[o++] = spec[k];
                narrow_spec[o] = '\0';
                want_n = snprintf(want, sizeof want, narrow_spec, ch);
            }
            compare(spec, want, want_n, got, got_n);
        }
    }
    if (failures != 0) {
        fprintf(stderr, "wprintf_diff: %d mismatches in %ld cases\n", failures, cases);
        return 1;
    }
    printf("wprintf_diff ok: %ld cases\n", cases);
    return 0;
}
