//! Gives libwinipc.so its SONAME, `libwinipc.so.0`, so that a program linked against it
//! records `NEEDED libwinipc.so.0` — the installed runtime name (`make install`, the
//! libwinipc0 package) — instead of the path it was linked from.
//!
//! A program linked from the build tree (`cc … -Ltarget/release -lwinipc -Wl,-rpath,…`)
//! then looks for `libwinipc.so.0` there, so this script also leaves the link
//! `target/<profile>/libwinipc.so.0 -> libwinipc.so` beside the library cargo builds.
//!
//! It also compiles `src/wmain_shim.c` — the weak `main()` that runs a `_UNICODE` program's
//! `wmain` — and links it whole into the library (an object nothing in Rust refers to would
//! otherwise be dropped from the shared library).

use std::path::Path;

/// The major version of the C ABI: bumped only when include/windows.h breaks binaries.
const ABI_MAJOR: u32 = 0;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    println!("cargo:rerun-if-changed=src/wmain_shim.c");
    cc::Build::new()
        .file("src/wmain_shim.c")
        .warnings(true)
        .cargo_metadata(false)
        .compile("winipc_wmain_shim");
    if let Some(out) = std::env::var_os("OUT_DIR") {
        println!(
            "cargo:rustc-link-search=native={}",
            Path::new(&out).display()
        );
        println!("cargo:rustc-link-lib=static:+whole-archive=winipc_wmain_shim");
        // rustc's version script exports only Rust's `#[no_mangle]` items; this one adds main.
        let map = Path::new(&out).join("wmain_shim.map");
        std::fs::write(&map, "{ global: main; };\n").expect("write the version script");
        println!(
            "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
            map.display()
        );
    }
    let soname = format!("libwinipc.so.{ABI_MAJOR}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    // OUT_DIR is <target>/[<triple>/]<profile>/build/winipc-ffi-<hash>/out.
    let Some(out) = std::env::var_os("OUT_DIR") else {
        return;
    };
    if let Some(profile_dir) = Path::new(&out).ancestors().nth(3) {
        let link = profile_dir.join(&soname);
        #[cfg(unix)]
        if std::fs::symlink_metadata(&link).is_err() {
            // Best effort: a read-only or unusual target directory only loses the convenience.
            let _ = std::os::unix::fs::symlink("libwinipc.so", &link);
        }
    }
}
