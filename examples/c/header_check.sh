#!/bin/sh
# Self-test of include/windows.h, tchar.h and strsafe.h (needs no libwinipc).
#
# Compiles the translation units in header_check/ and the example programs
# with gcc and clang as C (c99, c11) and C++ (c++11, c++17), with
#   -Wall -Wextra -Werror -pedantic -fsyntax-only
# in ANSI mode, in -DUNICODE -D_UNICODE -fshort-wchar mode, and (C11/C++11
# only) in -DUNICODE -D_UNICODE mode with u"" literals; repeats the header
# units with a stricter warning set (only diagnostics located in include/
# count there); runs the tchar.h and strsafe.h runtime tests; and
# checks that what must not compile does not.
#
#   examples/c/header_check.sh          (from anywhere)
#   STRICT=0 ... to skip the extra-warnings pass
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
inc="$root/include"
hc="$here/header_check"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winipc_header_check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0
skip=0

run() { # description, command...
    desc=$1; shift
    if out=$("$@" 2>&1); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAIL: %s\n  %s\n%s\n' "$desc" "$*" "$out"
    fi
}

run_fails() { # description, command...  (the command must fail)
    desc=$1; shift
    if "$@" >/dev/null 2>&1; then
        fail=$((fail + 1))
        printf 'FAIL (compiled but must not): %s\n  %s\n' "$desc" "$*"
    else
        pass=$((pass + 1))
    fi
}

run_strict() { # description, command...  (no diagnostic may point into include/)
    desc=$1; shift
    out=$("$@" 2>&1)
    bad=$(printf '%s\n' "$out" | grep -E "^$inc/[^:]+:[0-9]+:[0-9]+: (warning|error)")
    if [ -z "$bad" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAIL: %s\n  %s\n%s\n' "$desc" "$*" "$bad"
    fi
}

have() { command -v "$1" >/dev/null 2>&1; }

base="-Wall -Wextra -Werror -pedantic -I$inc"
strict_common="-Wshadow -Wconversion -Wsign-conversion -Wundef -Wcast-qual -Wcast-align \
-Wredundant-decls -Wpointer-arith -Wwrite-strings -Wmissing-declarations"
strict_c="$strict_common -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
-Wbad-function-cast -Wnested-externs"
strict_cxx="$strict_common -Wzero-as-null-pointer-constant"

header_units="include_only.c all_decls.c tchar_run.c strsafe_run.c wmain_shim.c wmain_auto.c win32_surface.c direct_run.c"
examples="mailslot_server.c mailslot_client.c sum_child.c sum_manager.c events_demo.c \
          process_manager.c redirect_sort.c apc_pool.c proc_list.c"

for cc in gcc clang g++ clang++; do
    if ! have "$cc"; then
        skip=$((skip + 1))
        echo "SKIP: $cc not installed (apt-get install -y clang)"
        continue
    fi
    case $cc in
        *++) lang="-x c++"; stds="c++11 c++17"; strict=$strict_cxx ;;
        *)   lang="";       stds="c99 c11";     strict=$strict_c ;;
    esac
    for std in $stds; do
        modes="ansi shortwchar"
        [ "$std" != c99 ] && modes="$modes u16literal"
        for mode in $modes; do
            case $mode in
                ansi)       mflags="" ;;
                shortwchar) mflags="-DUNICODE -D_UNICODE -fshort-wchar" ;;
                u16literal) mflags="-DUNICODE -D_UNICODE" ;;
            esac
            for f in $header_units; do
                run "$cc -std=$std $mode $f" \
                    $cc $lang -std=$std $base $mflags -fsyntax-only "$hc/$f"
                if [ "${STRICT:-1}" = 1 ]; then
                    run_strict "$cc -std=$std $mode $f (strict, header diagnostics only)" \
                        $cc $lang -std=$std -I"$inc" -pedantic -Wall -Wextra $strict $mflags -fsyntax-only "$hc/$f"
                fi
            done
            # Include order, include guards, optional macros.
            run "$cc -std=$std $mode tchar.h first" \
                $cc $lang -std=$std $base $mflags -DWINIPC_TCHAR_FIRST -fsyntax-only "$hc/include_only.c"
            run "$cc -std=$std $mode NONAMELESSUNION NOMINMAX" \
                $cc $lang -std=$std $base $mflags -DNONAMELESSUNION -DNOMINMAX -fsyntax-only "$hc/all_decls.c"
            # UNICODE for windows.h only / _UNICODE for tchar.h only.
            run "$cc -std=$std $mode UNICODE only" \
                $cc $lang -std=$std $base $(echo "$mflags" | sed 's/-D_UNICODE//') -fsyntax-only "$hc/all_decls.c"
            # _tgetenv must not compile under _UNICODE.
            if [ "$mode" != ansi ]; then
                run_fails "$cc -std=$std $mode _tgetenv under _UNICODE" \
                    $cc $lang -std=$std $base $mflags -fsyntax-only "$hc/unicode_getenv_fails.c"
            fi
        done
        # The examples are ANSI programs.
        for f in $examples; do
            run "$cc -std=$std example $f" $cc $lang -std=$std $base -fsyntax-only "$here/$f"
        done
        # TEXT() under UNICODE has no 16-bit literal in C99 without -fshort-wchar.
        if [ "$std" = c99 ]; then
            run_fails "$cc -std=c99 UNICODE TEXT() without -fshort-wchar" \
                $cc -std=c99 $base -DUNICODE -fsyntax-only "$hc/all_decls.c"
        fi
    done
    case $cc in
        *++) run "$cc C++ std::min/std::max and STL" \
                 $cc -std=c++11 $base -fsyntax-only "$hc/cxx_minmax.cpp"
             run "$cc C++ std::min/std::max and STL (UNICODE)" \
                 $cc -std=c++17 $base -DUNICODE -D_UNICODE -fshort-wchar -fsyntax-only "$hc/cxx_minmax.cpp" ;;
    esac
done

# Runtime: tchar.h mappings, strsafe.h and the UTF-16 printf family, and the
# wmain shim (inline code, no libwinipc).
for cfg in "gcc -std=c99" "gcc -std=c11 -DUNICODE -D_UNICODE" \
           "gcc -std=c99 -DUNICODE -D_UNICODE -fshort-wchar" \
           "clang -std=c11 -DUNICODE -D_UNICODE -fshort-wchar" \
           "g++ -x c++ -std=c++11 -DUNICODE -D_UNICODE" \
           "clang++ -x c++ -std=c++17 -DUNICODE -D_UNICODE -fshort-wchar" \
           "g++ -x c++ -std=c++17"; do
    set -- $cfg
    have "$1" || continue
    for t in tchar_run strsafe_run direct_run; do
        exe="$tmp/$t"
        run "run $t ($cfg)" sh -c "$cfg $base -DWINIPC_NO_LINK_ANCHOR '$hc/$t.c' -o '$exe' && '$exe'"
    done
done
# The UTF-16 formatter against the C library's snprintf, under ASan and UBSan.
for cfg in "gcc -std=c11" "g++ -x c++ -std=c++17"; do
    set -- $cfg
    have "$1" || continue
    exe="$tmp/wprintf_diff"
    run "run wprintf_diff ($cfg, ASan+UBSan)" sh -c "$cfg $base -O1 -g -fsanitize=address,undefined \
        -fno-sanitize-recover=all '$hc/wprintf_diff.c' -o '$exe' && '$exe' 200000"
done
for cfg in "gcc -std=c99" "clang++ -x c++ -std=c++11"; do
    set -- $cfg
    have "$1" || continue
    for t in wmain_shim wmain_auto; do
        exe="$tmp/$t"
        run "run $t ($cfg)" sh -c "$cfg $base -DWINIPC_NO_LINK_ANCHOR -DUNICODE -D_UNICODE -fshort-wchar '$hc/$t.c' -o '$exe' && \
            out=\$('$exe' 'h\303\251llo' 'a b'); rc=\$?; \
            [ \"\$out\" = 'h\303\251llo|a b|' ] && [ \$rc -eq 3 ] || { echo \"got '\$out' rc=\$rc\"; exit 1; }"
    done
done

echo "header_check: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
[ "$fail" -eq 0 ]
