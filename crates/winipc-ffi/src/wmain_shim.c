/*
 * The entry point of _UNICODE programs that define _tmain (= wmain) and no main().
 *
 * Linux starts every program at main(); a program written for Windows with _UNICODE defines
 * wmain instead. This main() is *weak* and sits in an object of its own: a program with a
 * main() of its own never uses it (linked statically, it never even pulls it in); one
 * without gets this, which calls the program's wmain with the UTF-16 arguments libwinipc
 * prepared before main (__argc/__wargv, process.rs).
 *
 * wmain is found by its symbol: "wmain" for C, or its C++ mangled name, which carries the
 * parameter types (not the return type): (int, char16_t **) in C++11 and later,
 * (int, wchar_t **) with -fshort-wchar, (int, unsigned short **) before C++11, and () for
 * `int _tmain(VOID)`. Each is a weak reference, so programs without one link too; the
 * linker exports an executable's symbols that a shared library it links against refers to,
 * which is how these find the program's function at run time.
 *
 * Compiled by build.rs (cc) and linked whole into libwinipc.so and libwinipc.a.
 */

#include <stdio.h>

typedef int (*winipc_wmain_args)(int argc, void **argv);
typedef int (*winipc_wmain_none)(void);

extern int winipc_wmain_c(int, void **) __asm__("wmain") __attribute__((weak));
extern int winipc_wmain_char16(int, void **) __asm__("_Z5wmainiPPDs") __attribute__((weak));
extern int winipc_wmain_wchar(int, void **) __asm__("_Z5wmainiPPw") __attribute__((weak));
extern int winipc_wmain_ushort(int, void **) __asm__("_Z5wmainiPPt") __attribute__((weak));
extern int winipc_wmain_void(void) __asm__("_Z5wmainv") __attribute__((weak));

extern int __argc;
extern void **__wargv;

__attribute__((weak)) int main(void)
{
    winipc_wmain_args with_args = winipc_wmain_c      ? winipc_wmain_c
                                  : winipc_wmain_char16 ? winipc_wmain_char16
                                  : winipc_wmain_wchar  ? winipc_wmain_wchar
                                  : winipc_wmain_ushort;
    if (with_args)
        return with_args(__argc, __wargv);
    if (winipc_wmain_void)
        return winipc_wmain_void();
    fputs("winipc: this program defines neither main nor wmain\n", stderr);
    return 127;
}
