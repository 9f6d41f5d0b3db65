//! The repository's install and packaging paths, as a C/C++ user takes them (issue 15):
//!
//! - `make install PREFIX=…`, then a Win32 program that writes `#include <Windows.h>`
//!   (`tests/install/port.c`) builds with `pkg-config --cflags --libs winipc` and, as C++,
//!   with a CMake project using `find_package(winipc CONFIG REQUIRED)` — shared and static —
//!   and runs; the binaries record `NEEDED libwinipc.so.0`, never a build path; `make
//!   uninstall` removes every file again; a `DESTDIR` install stages under it.
//! - `make deb` builds libwinipc0, libwinipc-dev and winipc; `lintian` reports no error;
//!   `dpkg -i` installs them (dependencies checked against this system's package database)
//!   into a scratch root, where the same program builds with pkg-config and CMake and runs;
//!   `dpkg -r` removes them.
//!
//! The library and CLI are built by `make` with the cargo profile of this test run (so a
//! `cargo test` reuses its own build). The tools are required: `.ci/install-deps.sh`
//! installs cmake, pkg-config, lintian and cargo-deb.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(900);

/// The build directory of this test run is shared: one `make` at a time.
static MAKE: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    MAKE.lock().unwrap_or_else(|e| e.into_inner())
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// (CARGO_TARGET_DIR, cargo profile name) of this test executable: target/<dir>/deps/<exe>.
fn target_and_profile() -> (PathBuf, &'static str) {
    let exe = std::env::current_exe().expect("test executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let target = profile_dir.parent().expect("target dir").to_path_buf();
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("release") => "release",
        _ => "dev",
    };
    (target, profile)
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// A fresh directory for one test.
fn work_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("install-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("store")).expect("work dir");
    d
}

/// Runs `cmd` to completion (killed after TIMEOUT), asserting success; returns its output.
fn run(cmd: &mut Command) -> Output {
    let what = format!("{cmd:?}");
    let o = run_status(cmd);
    assert!(
        o.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn run_status(cmd: &mut Command) -> Output {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e} (is the tool installed?)"));
    // Drain both pipes while waiting, so a chatty tool cannot block on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} timed out after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: t_out.join().expect("stdout reader"),
        stderr: t_err.join().expect("stderr reader"),
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `make TARGET VARS…` at the repository root with this run's target directory and profile.
fn make(args: &[&str]) -> Output {
    let (target, profile) = target_and_profile();
    let mut cmd = Command::new("make");
    cmd.current_dir(repo())
        .arg("--no-print-directory")
        .args(args)
        .arg(format!("PROFILE={profile}"))
        .arg(format!("CARGO_TARGET_DIR={}", target.display()))
        .arg(format!("CARGO={}", env!("CARGO")));
    run(&mut cmd)
}

/// Every file and symlink under `dir`, relative to it.
fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().expect("file type");
            if ft.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).expect("under root").to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// The dynamic section of an ELF file (`readelf -d`).
fn dynamic_section(file: &Path) -> String {
    stdout(&run(Command::new("readelf").arg("-d").arg(file)))
}

/// Checks what a program linked against the installed library records: the SONAME and no
/// path into the build tree.
fn assert_links_soname(bin: &Path) {
    let d = dynamic_section(bin);
    assert!(
        d.contains("Shared library: [libwinipc.so.0]"),
        "{} does not record NEEDED libwinipc.so.0:\n{d}",
        bin.display()
    );
    // The tests' install prefixes live in target/tmp; the build output is target/<profile>.
    let (target, _) = target_and_profile();
    for out in ["debug", "release"] {
        let build = target.join(out);
        assert!(
            !d.contains(&*build.to_string_lossy()),
            "{} records a build path:\n{d}",
            bin.display()
        );
    }
}

/// Runs the ported program; it creates a uniquely named mailslot and event in a private
/// store directory, writes, waits and reads.
fn run_port(bin: &Path, dir: &Path, lib_path: Option<&Path>) {
    let name = format!(
        "install-{}-{}",
        std::process::id(),
        bin.file_name().unwrap().to_string_lossy()
    );
    let mut cmd = Command::new(bin);
    cmd.arg(&name).env("WINIPC_DIR", dir.join("store"));
    if let Some(p) = lib_path {
        cmd.env("LD_LIBRARY_PATH", p);
    }
    let out = stdout(&run(&mut cmd));
    assert_eq!(
        out,
        format!("winipc {}\nread 5 bytes: hello\n", version()),
        "{}",
        bin.display()
    );
}

/// Builds tests/install/port.c with `pkg-config --cflags --libs winipc` (C, -Werror).
fn build_with_pkg_config(dir: &Path, env: &[(&str, &Path)]) -> PathBuf {
    let mut pc = Command::new("pkg-config");
    pc.args(["--cflags", "--libs", "winipc"]);
    for (k, v) in env {
        pc.env(k, v);
    }
    let flags = stdout(&run(&mut pc));
    assert!(
        flags.contains("/winipc"),
        "Cflags lack …/include/winipc: {flags}"
    );
    let bin = dir.join("port_pkgconfig");
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .arg(manifest("tests/install/port.c"))
        .arg("-o")
        .arg(&bin)
        .args(flags.split_whitespace()));
    bin
}

/// Configures and builds tests/install/CMakeLists.txt (C++ shared, C static) against
/// `prefix`; returns the build directory.
fn build_with_cmake(dir: &Path, prefix: &Path) -> PathBuf {
    let build = dir.join("cmake-build");
    run(Command::new("cmake")
        .arg("-S")
        .arg(manifest("tests/install"))
        .arg("-B")
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
        .arg("-DCMAKE_C_FLAGS=-Wall -Wextra -Werror")
        .arg("-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror"));
    run(Command::new("cmake").arg("--build").arg(&build));
    build
}

#[test]
fn make_install_then_pkg_config_and_cmake_builds_run() {
    let _g = lock();
    let dir = work_dir("prefix");
    let prefix = dir.join("usr");
    let p = prefix.to_str().expect("utf-8 path");
    make(&["install", &format!("PREFIX={p}")]);

    // The layout: library with SONAME and links, every header of include/, tools.
    let v = version();
    let lib = prefix.join("lib");
    let so = lib.join(format!("libwinipc.so.{v}"));
    assert!(
        dynamic_section(&so).contains("Library soname: [libwinipc.so.0]"),
        "{} has no SONAME libwinipc.so.0",
        so.display()
    );
    assert_eq!(
        std::fs::read_link(lib.join("libwinipc.so.0")).unwrap(),
        Path::new(&format!("libwinipc.so.{v}"))
    );
    assert_eq!(
        std::fs::read_link(lib.join("libwinipc.so")).unwrap(),
        Path::new("libwinipc.so.0")
    );
    let installed = files_under(&prefix);
    let mut expected: Vec<PathBuf> = [
        "lib/libwinipc.a",
        "lib/pkgconfig/winipc.pc",
        "lib/cmake/winipc/winipc-config.cmake",
        "lib/cmake/winipc/winipc-config-version.cmake",
        "bin/winipc",
        "share/man/man1/winipc.1",
        "share/man/man1/winipc-wait.1",
        "share/man/man1/winipc-gc.1",
        "share/bash-completion/completions/winipc",
        "share/zsh/site-functions/_winipc",
        "share/fish/vendor_completions.d/winipc.fish",
        "lib/systemd/system/winipc-netd.service",
        "share/doc/winipc/porting.md",
        "include/winipc/Windows.h",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    for h in std::fs::read_dir(repo().join("include")).unwrap().flatten() {
        if h.path().extension().is_some_and(|e| e == "h") {
            expected.push(Path::new("include/winipc").join(h.file_name()));
        }
    }
    for f in &expected {
        assert!(
            installed.contains(f),
            "make install did not install {}",
            f.display()
        );
    }
    let unit =
        std::fs::read_to_string(prefix.join("lib/systemd/system/winipc-netd.service")).unwrap();
    assert!(
        unit.contains(&format!("{p}/bin/winipc")),
        "the unit does not run the installed binary:\n{unit}"
    );
    let ver = run(Command::new(prefix.join("bin/winipc")).arg("--version"));
    assert!(stdout(&ver).contains(v), "{}", stdout(&ver));
    let bash =
        std::fs::read_to_string(prefix.join("share/bash-completion/completions/winipc")).unwrap();
    assert!(
        bash.contains("complete") && bash.contains("winipc"),
        "{bash}"
    );

    // pkg-config: C, dynamically linked; runs from the installed library only.
    let pc_dir = lib.join("pkgconfig");
    let bin = build_with_pkg_config(&dir, &[("PKG_CONFIG_PATH", &pc_dir)]);
    assert_links_soname(&bin);
    run_port(&bin, &dir, Some(&lib));

    // CMake: C++ against winipc::winipc, C against winipc::winipc_static.
    let build = build_with_cmake(&dir, &prefix);
    assert_links_soname(&build.join("port_cxx"));
    run_port(&build.join("port_cxx"), &dir, None);
    let st = dynamic_section(&build.join("port_static"));
    assert!(
        !st.contains("libwinipc"),
        "port_static links libwinipc dynamically:\n{st}"
    );
    run_port(&build.join("port_static"), &dir, None);

    // A version the package does not satisfy is refused.
    let bad = dir.join("cmake-too-new");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("CMakeLists.txt"),
        "cmake_minimum_required(VERSION 3.16)\nproject(x LANGUAGES C)\n\
         find_package(winipc 99.0 CONFIG REQUIRED)\n",
    )
    .unwrap();
    let o = run_status(
        Command::new("cmake")
            .arg("-S")
            .arg(&bad)
            .arg("-B")
            .arg(bad.join("b"))
            .arg(format!("-DCMAKE_PREFIX_PATH={p}")),
    );
    assert!(!o.status.success(), "find_package(winipc 99.0) succeeded");

    // make uninstall removes every file it installed.
    make(&["uninstall", &format!("PREFIX={p}")]);
    let left = files_under(&prefix);
    assert!(left.is_empty(), "make uninstall left {left:?}");

    // DESTDIR stages the same tree under it, with paths for the final prefix.
    let stage = dir.join("stage");
    make(&[
        "install",
        "NO_BUILD=1",
        "PREFIX=/usr",
        &format!("DESTDIR={}", stage.display()),
    ]);
    let pc = std::fs::read_to_string(stage.join("usr/lib/pkgconfig/winipc.pc")).unwrap();
    assert!(
        pc.contains("prefix=/usr\n") && pc.contains("Cflags: -I${includedir}/winipc"),
        "{pc}"
    );
    assert!(stage.join("usr/include/winipc/windows.h").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keeps only the packages our packages depend on (transitively) from this system's dpkg
/// status, so that `dpkg --root` checks dependencies without inheriting every package.
fn filtered_status(debs: &[PathBuf]) -> String {
    let status = std::fs::read_to_string("/var/lib/dpkg/status").expect("/var/lib/dpkg/status");
    let paras: Vec<&str> = status
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    let field = |p: &str, f: &str| -> Option<String> {
        p.lines()
            .find_map(|l| l.strip_prefix(&format!("{f}: ")).map(str::to_owned))
    };
    let names = |deps: &str| -> Vec<String> {
        deps.split([',', '|'])
            .filter_map(|d| d.split_whitespace().next())
            .map(|n| n.split(':').next().unwrap_or(n).to_owned())
            .collect()
    };
    let mut want: Vec<String> = Vec::new();
    for d in debs {
        let o = run(Command::new("dpkg-deb").arg("-f").arg(d).arg("Depends"));
        want.extend(names(&stdout(&o)));
    }
    let mut keep = BTreeSet::new();
    while let Some(n) = want.pop() {
        if !keep.insert(n.clone()) {
            continue;
        }
        for p in &paras {
            if field(p, "Package").as_deref() == Some(&n) {
                for f in ["Depends", "Pre-Depends"] {
                    if let Some(d) = field(p, f) {
                        want.extend(names(&d));
                    }
                }
            }
        }
    }
    let mut out = String::new();
    for p in &paras {
        if field(p, "Package").is_some_and(|n| keep.contains(&n)) {
            out.push_str(p.trim_end_matches('\n'));
            out.push_str("\n\n");
        }
    }
    out
}

#[test]
fn make_deb_passes_lintian_and_installs_with_dpkg() {
    let _g = lock();
    let dir = work_dir("deb");
    make(&["deb", "DEB_FLAGS=--fast"]);
    let (target, _) = target_and_profile();
    let v = version();
    let debs: Vec<PathBuf> = ["libwinipc0", "libwinipc-dev", "winipc"]
        .iter()
        .map(|p| {
            let arch = stdout(&run(Command::new("dpkg").arg("--print-architecture")));
            target.join(format!("debian/{p}_{v}-1_{}.deb", arch.trim()))
        })
        .collect();
    for d in &debs {
        assert!(d.is_file(), "make deb did not produce {}", d.display());
    }

    // lintian: no error-level tag (warnings are printed).
    let o = run(Command::new("lintian")
        .args(["--fail-on", "error", "--no-tag-display-limit"])
        .args(&debs));
    eprintln!("lintian:\n{}", stdout(&o));

    // dpkg -i into a scratch root whose database holds this system's dependencies.
    let root = dir.join("root");
    let admin = root.join("var/lib/dpkg");
    for sub in ["info", "updates", "triggers"] {
        std::fs::create_dir_all(admin.join(sub)).unwrap();
    }
    std::fs::write(admin.join("status"), filtered_status(&debs)).unwrap();
    std::fs::write(admin.join("available"), "").unwrap();
    let dpkg = |args: &[&str]| -> Output {
        run_status(
            Command::new("dpkg")
                .arg(format!("--root={}", root.display()))
                .args(["--force-not-root", "--force-script-chrootless"])
                .args(args),
        )
    };
    let mut install = Command::new("dpkg");
    install
        .arg(format!("--root={}", root.display()))
        .args(["--force-not-root", "--force-script-chrootless", "-i"])
        .args(&debs);
    run(&mut install);
    let l = dpkg(&["-l", "libwinipc0", "libwinipc-dev", "winipc"]);
    let listed = stdout(&l);
    for p in ["libwinipc0", "libwinipc-dev", "winipc"] {
        assert!(
            listed.lines().any(|l| l.starts_with("ii")
                && l.split_whitespace()
                    .nth(1)
                    .is_some_and(|n| n.starts_with(p))),
            "{p} not installed:\n{listed}"
        );
    }

    // The installed tree works: the CLI runs, the program builds with pkg-config and CMake.
    let arch_lib = stdout(&run(
        Command::new("dpkg-architecture").arg("-qDEB_HOST_MULTIARCH")
    ));
    let libdir = root.join("usr/lib").join(arch_lib.trim());
    assert!(
        dynamic_section(&libdir.join(format!("libwinipc.so.{v}")))
            .contains("Library soname: [libwinipc.so.0]")
    );
    let o = run(Command::new(root.join("usr/bin/winipc")).arg("--version"));
    assert!(stdout(&o).contains(v));
    let pc_dir = libdir.join("pkgconfig");
    let bin = build_with_pkg_config(
        &dir,
        &[
            ("PKG_CONFIG_LIBDIR", &pc_dir),
            ("PKG_CONFIG_SYSROOT_DIR", &root),
        ],
    );
    assert_links_soname(&bin);
    run_port(&bin, &dir, Some(&libdir));
    let build = build_with_cmake(&dir, &root.join("usr"));
    assert_links_soname(&build.join("port_cxx"));
    run_port(&build.join("port_cxx"), &dir, Some(&libdir));

    // dpkg -r removes them and leaves none of their files.
    let mut remove = Command::new("dpkg");
    remove
        .arg(format!("--root={}", root.display()))
        .args(["--force-not-root", "--force-script-chrootless", "--purge"])
        .args(["libwinipc-dev", "winipc", "libwinipc0"]);
    run(&mut remove);
    let left: Vec<PathBuf> = files_under(&root)
        .into_iter()
        .filter(|p| !p.starts_with("var/lib/dpkg"))
        .collect();
    assert!(left.is_empty(), "dpkg --purge left {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_header_matches_the_crate_version() {
    let h = std::fs::read_to_string(repo().join("include/winipc_version.h")).unwrap();
    let v = version();
    assert!(
        h.contains(&format!("#define WINIPC_VERSION \"{v}\"")),
        "include/winipc_version.h does not say {v}"
    );
    let parts: Vec<&str> = v.split('.').collect();
    for (name, value) in ["MAJOR", "MINOR", "PATCH"].iter().zip(&parts) {
        assert!(
            h.contains(&format!("#define WINIPC_VERSION_{name} {value}\n")),
            "WINIPC_VERSION_{name} is not {value}"
        );
    }
    // The Debian dev package pins the runtime package at this version.
    let toml = std::fs::read_to_string(manifest("Cargo.toml")).unwrap();
    assert!(
        toml.contains(&format!("depends = \"libwinipc0 (= {v}-1)\"")),
        "crates/winipc-ffi/Cargo.toml: libwinipc-dev must depend on libwinipc0 (= {v}-1)"
    );
    let changelog = std::fs::read_to_string(repo().join("packaging/debian/changelog")).unwrap();
    assert!(
        changelog.starts_with(&format!("winipc ({v}-1)")),
        "packaging/debian/changelog does not start with {v}-1"
    );
}

/// Every publishable crate packages and verifies as crates.io would build it: `cargo
/// publish --dry-run --workspace` packs each crate, then compiles it from the packed sources
/// against its packed siblings (cargo's temporary local registry, so crates not yet on
/// crates.io resolve). Crates marked `publish = false` (bench, model, stress) are skipped.
/// Removes cargo's unpacked copies of our crates from its temporary local registries
/// (`$CARGO_HOME/registry/src/-<hash>/winipc*-<version>`, the unnamed sources). Cargo unpacks
/// each packed crate there once per version and reuses the directory on the next dry run even
/// when the packed crate changed, so a second run would verify against stale siblings.
fn forget_packed_crates() {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let Ok(sources) = std::fs::read_dir(home.join("registry/src")) else {
        return;
    };
    for src in sources.flatten() {
        if !src.file_name().to_string_lossy().starts_with('-') {
            continue; // a named registry such as crates.io
        }
        for krate in std::fs::read_dir(src.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if krate.file_name().to_string_lossy().starts_with("winipc") {
                let _ = std::fs::remove_dir_all(krate.path());
            }
        }
    }
}

/// Cargo takes registry crates to be immutable: a packed sibling compiled by an earlier dry
/// run (same name and version) would be reused. The dry runs therefore get their own target
/// directory, from which our crates' artifacts are removed before each run (third-party
/// dependencies stay compiled).
fn publish_target_dir(target: &Path) -> PathBuf {
    let dir = target.join("publish-dry-run");
    for sub in ["debug/deps", "debug/.fingerprint", "debug/build"] {
        for e in std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("winipc") || n.starts_with("libwinipc") {
                let p = e.path();
                let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
            }
        }
    }
    dir
}

#[test]
fn cargo_publish_dry_run_passes_for_every_crate() {
    let _g = lock();
    forget_packed_crates();
    let (target, _) = target_and_profile();
    let target = publish_target_dir(&target);
    let o = run(Command::new(env!("CARGO"))
        .current_dir(repo())
        .args([
            "publish",
            "--dry-run",
            "--workspace",
            "--allow-dirty",
            "--locked",
        ])
        .env("CARGO_TARGET_DIR", &target));
    let log = String::from_utf8_lossy(&o.stderr);
    for krate in [
        "winipc",
        "winipc-sys",
        "winipc-ring",
        "winipc-nbt",
        "winipc-net",
        "winipc-cli",
        "winipc-ffi",
    ] {
        assert!(
            log.contains(&format!("Verifying {krate} v")),
            "{krate} was not packaged and verified:\n{log}"
        );
        assert!(
            log.contains(&format!("Uploading {krate} v")),
            "{krate}:\n{log}"
        );
        // The packed crate carries both licence texts and its readme.
        let list = run(Command::new(env!("CARGO"))
            .current_dir(repo())
            .args(["package", "--list", "--allow-dirty", "-p", krate])
            .env("CARGO_TARGET_DIR", &target));
        let files = stdout(&list);
        for f in ["LICENSE-MIT", "LICENSE-APACHE", "README.md", "Cargo.toml"] {
            assert!(
                files.lines().any(|l| l == f),
                "{krate} is packed without {f}"
            );
        }
        if krate == "winipc-ffi" {
            assert!(files.lines().any(|l| l == "include/windows.h"), "{files}");
        }
    }
    for private in ["winipc-bench", "winipc-stress"] {
        assert!(
            !log.contains(&format!("Packaging {private} v")),
            "{private} was packaged"
        );
    }
}
