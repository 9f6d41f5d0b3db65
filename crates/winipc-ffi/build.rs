//! Gives libwinipc.so its SONAME, `libwinipc.so.0`, so that a program linked against it
//! records `NEEDED libwinipc.so.0` — the installed runtime name (`make install`, the
//! libwinipc0 package) — instead of the path it was linked from.
//!
//! A program linked from the build tree (`cc … -Ltarget/release -lwinipc -Wl,-rpath,…`)
//! then looks for `libwinipc.so.0` there, so this script also leaves the link
//! `target/<profile>/libwinipc.so.0 -> libwinipc.so` beside the library cargo builds.

use std::path::Path;

/// The major version of the C ABI: bumped only when include/windows.h breaks binaries.
const ABI_MAJOR: u32 = 0;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
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
