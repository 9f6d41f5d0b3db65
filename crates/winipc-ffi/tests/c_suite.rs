//! Builds the C test suite (`tests/c/*.c`) and the Win32 examples (`examples/c/`) against
//! libwinipc with gcc and with clang (`-Wall -Wextra -Werror`), runs them with a private
//! `WINIPC_DIR`, and checks their output.
//!
//! The library is the one cargo built for this test run (`target/<profile>/libwinipc.so`,
//! next to `deps/` where this test binary lives); if it is missing, it is built once with
//! `cargo build --release -p winipc-ffi`. clang is skipped, with a printed reason, only when
//! it is not installed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(180);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The directory holding libwinipc.so and libwinipc.a.
fn lib_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    static BUILD: Mutex<()> = Mutex::new(());
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps")
            .to_path_buf();
        if profile_dir.join("libwinipc.so").exists() {
            return profile_dir;
        }
        let _lock = BUILD.lock().unwrap_or_else(|e| e.into_inner());
        let target = profile_dir.parent().expect("target dir").to_path_buf();
        eprintln!("c_suite: libwinipc.so not in {profile_dir:?}; building the release library");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--release", "-p", "winipc-ffi"])
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("run cargo");
        assert!(
            status.success(),
            "cargo build --release -p winipc-ffi failed"
        );
        target.join("release")
    })
    .clone()
}

fn have(cc: &str) -> bool {
    Command::new(cc)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// gcc always; clang unless it is not installed.
fn compiler_available(cc: &str) -> bool {
    if have(cc) {
        return true;
    }
    assert_ne!(cc, "gcc", "gcc is required for the C suite");
    eprintln!(
        "c_suite: SKIPPED for {cc}: `{cc} --version` failed (install clang: apt-get install clang)"
    );
    false
}

/// A fresh directory under the cargo test tmpdir.
fn work_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("c-suite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("bin")).expect("work dir");
    std::fs::create_dir_all(d.join("store")).expect("store dir");
    d
}

/// Compiles one C file to `out`, dynamically linked with `-lwinipc` (or statically with
/// `libwinipc.a` when `static_lib`).
fn compile(cc: &str, src: &Path, out: &Path, static_lib: bool) {
    let lib = lib_dir();
    let mut cmd = Command::new(cc);
    cmd.args(["-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror"])
        .arg(format!("-I{}", repo().join("include").display()))
        .arg(format!(
            "-I{}",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/c")
                .display()
        ))
        .arg(src)
        .arg("-o")
        .arg(out);
    if static_lib {
        cmd.arg(lib.join("libwinipc.a"))
            .args(["-lpthread", "-ldl", "-lm"]);
    } else {
        cmd.arg(format!("-L{}", lib.display()))
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lwinipc", "-lpthread"]);
    }
    let o = cmd.output().expect("run the C compiler");
    assert!(
        o.status.success(),
        "{cc} {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Waits for `child` with the suite's timeout (killing it on expiry).
fn wait_output(mut child: Child, what: &str) -> Output {
    let start = Instant::now();
    loop {
        match child.try_wait().expect("try_wait") {
            Some(_) => return child.wait_with_output().expect("output"),
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let o = child.wait_with_output().expect("output");
                panic!(
                    "{what} timed out; stdout so far:\n{}",
                    String::from_utf8_lossy(&o.stdout)
                );
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn command(bin: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin);
    c.args(args)
        .current_dir(dir)
        .env("WINIPC_DIR", dir.join("store"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(bin: &Path, dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = command(bin, dir, args);
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("spawn");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    wait_output(child, &format!("{} {args:?}", bin.display()))
}

// ---- the C suite ---------------------------------------------------------------------------

const PROGRAMS: &[(&str, &[&str])] = &[
    ("sync", &[]),
    ("mailslot", &[]),
    ("threads", &[]),
    ("misc", &["two words", "q\"uote"]),
    ("process", &[]),
];

fn suite(cc: &str) {
    if !compiler_available(cc) {
        return;
    }
    let dir = work_dir(cc);
    let started = Instant::now();
    let (mut passed, mut failed) = (0u32, 0u32);
    let mut report = String::new();
    for (prog, args) in PROGRAMS {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/{prog}.c"));
        let bin = dir.join("bin").join(prog);
        compile(cc, &src, &bin, false);
        let o = run(&bin, &dir, args, None);
        let out = String::from_utf8_lossy(&o.stdout);
        let summary = out.lines().last().unwrap_or("").to_owned();
        let counts: Vec<u32> = summary
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let ok = o.status.success() && counts.len() == 2 && counts[1] == 0;
        if let [p, f] = counts[..] {
            passed += p;
            failed += f;
        } else {
            failed += 1;
        }
        if !ok {
            report.push_str(&format!(
                "--- {prog} ({cc}) exit {:?}\n{out}{}\n",
                o.status,
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        eprintln!("c_suite {cc}: {prog}: {summary}");
    }
    eprintln!(
        "c_suite {cc}: {passed} passed, {failed} failed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(report.is_empty(), "C suite failures with {cc}:\n{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn c_suite_gcc() {
    suite("gcc");
}

#[test]
fn c_suite_clang() {
    suite("clang");
}

// ---- the Win32-program surface in every language mode (issue 14) ---------------------------

/// Programs of `tests/c/modes/`, each built as C (gnu11) and C++ (gnu++17), ANSI and UNICODE
/// (`-DUNICODE -D_UNICODE`, 16-bit `u""` literals, no `-fshort-wchar`), with gcc/g++ and
/// clang/clang++, and run.
const MODE_PROGRAMS: &[&str] = &[
    "headers",
    "semantics",
    "processes",
    "threads",
    "environment",
    "files",
    "sched",
    "pipes",
    "overlapped",
    "namedpipes",
    "pipeconf",
    "mspipes",
    "filemapping",
    "threadpool",
    "tpool",
];

/// Compiles `src` in one language mode.
fn compile_mode(cc: &str, cxx: bool, unicode: bool, src: &Path, out: &Path) {
    let lib = lib_dir();
    let compiler = match (cc, cxx) {
        ("gcc", true) => "g++",
        ("clang", true) => "clang++",
        _ => cc,
    };
    let mut cmd = Command::new(compiler);
    if cxx {
        cmd.args(["-x", "c++", "-std=gnu++17"]);
    } else {
        cmd.arg("-std=gnu11");
    }
    if unicode {
        cmd.args(["-DUNICODE", "-D_UNICODE"]);
    }
    cmd.args(["-O1", "-g", "-Wall", "-Wextra", "-Werror"])
        .arg(format!("-I{}", repo().join("include").display()))
        .arg(format!(
            "-I{}",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/c")
                .display()
        ))
        .arg(src)
        .arg("-o")
        .arg(out);
    if cxx {
        cmd.args(["-x", "none"]);
    }
    cmd.arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lwinipc", "-lpthread"]);
    let o = cmd.output().expect("run the compiler");
    assert!(
        o.status.success(),
        "{compiler} (unicode={unicode}) {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn modes_suite(cc: &str) {
    if !compiler_available(cc) {
        return;
    }
    let dir = work_dir(&format!("modes-{cc}"));
    let started = Instant::now();
    let mut report = String::new();
    let (mut passed, mut failed) = (0u32, 0u32);
    for prog in MODE_PROGRAMS {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/c/modes/{prog}.c"));
        for (cxx, unicode) in [(false, false), (false, true), (true, false), (true, true)] {
            let tag = format!(
                "{prog}-{}-{}",
                if cxx { "cxx" } else { "c" },
                if unicode { "unicode" } else { "ansi" }
            );
            let bin = dir.join("bin").join(&tag);
            compile_mode(cc, cxx, unicode, &src, &bin);
            let o = run(&bin, &dir, &[], None);
            let out = String::from_utf8_lossy(&o.stdout);
            let summary = out.lines().last().unwrap_or("").to_owned();
            let counts: Vec<u32> = summary
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            let ok = o.status.success() && counts.len() == 2 && counts[1] == 0 && counts[0] > 0;
            if let [p, f] = counts[..] {
                passed += p;
                failed += f;
            } else {
                failed += 1;
            }
            if !ok {
                report.push_str(&format!(
                    "--- {tag} ({cc}) exit {:?}\n{out}{}\n",
                    o.status,
                    String::from_utf8_lossy(&o.stderr)
                ));
            }
            eprintln!("c_suite modes {cc}: {tag}: {summary}");
        }
    }
    eprintln!(
        "c_suite modes {cc}: {passed} passed, {failed} failed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        report.is_empty(),
        "C suite (modes) failures with {cc}:\n{report}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn c_modes_gcc() {
    modes_suite("gcc");
}

#[test]
fn c_modes_clang() {
    modes_suite("clang");
}

// ---- the examples --------------------------------------------------------------------------

const EXAMPLES: &[&str] = &[
    "mailslot_server",
    "mailslot_client",
    "sum_child",
    "sum_manager",
    "events_demo",
    "process_manager",
    "redirect_sort",
    "apc_pool",
    "proc_list",
    "socket_event",
];

/// The textbook programs of issue 14 (a process manager with suspended children and 32-bit
/// exit codes, `sort` redirected to files, an APC-driven thread pool, a process lister):
/// each run must print exactly its expected output.
fn win32_programs(dir: &Path) {
    for (prog, args) in [
        ("process_manager", &[][..]),
        ("redirect_sort", &[][..]),
        ("apc_pool", &[][..]),
        ("proc_list", &[][..]),
    ] {
        let o = run(&dir.join("bin").join(prog), dir, args, None);
        check_stdout(&o, &expected(&format!("{prog}.out")), prog);
        eprintln!("examples: {prog} ok");
    }
    // The list itself: this process's line is in it, with its name.
    let o = run(&dir.join("bin/proc_list"), dir, &["-l"], None);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().any(|l| l.ends_with("  proc_list")), "{out}");
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(repo().join("examples/c/expected").join(name))
        .unwrap_or_else(|e| panic!("expected/{name}: {e}"))
}

fn build_examples(cc: &str, dir: &Path, static_lib: bool) {
    for ex in EXAMPLES {
        let src = repo().join("examples/c").join(format!("{ex}.c"));
        compile(cc, &src, &dir.join("bin").join(ex), static_lib);
    }
}

fn check_stdout(o: &Output, want: &str, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{what}: stdout");
}

fn sum_manager(dir: &Path) {
    let bin = dir.join("bin/sum_manager");
    for (args, file) in [
        (["single", "1", "1000"], "sum_manager_single_1_1000.out"),
        (["multiple", "1", "1000"], "sum_manager_multiple_1_1000.out"),
        (["multiple", "5", "5"], "sum_manager_multiple_5_5.out"),
        (["single", "1", "100000"], "sum_manager_single_1_100000.out"),
    ] {
        // Run from an unrelated directory: the child is found next to the manager.
        let o = run(&bin, dir, &args, None);
        check_stdout(&o, &expected(file), &format!("sum_manager {args:?}"));
        eprintln!(
            "examples: sum_manager {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    let o = run(&bin, dir, &["bogus", "1", "2"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    // The shell sees 8 bits of the exit code; GetExitCodeProcess saw all 32 above.
    let o = run(&dir.join("bin/sum_child"), dir, &["1", "1000"], None);
    assert_eq!(o.status.code(), Some(500_500 & 0xff));
}

fn examples(cc: &str) {
    if !compiler_available(cc) {
        return;
    }
    let dir = work_dir(&format!("examples-{cc}"));
    build_examples(cc, &dir, false);
    sum_manager(&dir);

    let o = run(&dir.join("bin/events_demo"), &dir, &[], None);
    check_stdout(&o, &expected("events_demo.out"), "events_demo");
    let o = run(&dir.join("bin/socket_event"), &dir, &[], None);
    check_stdout(&o, &expected("socket_event.out"), "socket_event");
    win32_programs(&dir);

    // Mailslot server and client.
    let name = format!(r"\\.\mailslot\winipc_test_{}_{cc}", std::process::id());
    let server_bin = dir.join("bin/mailslot_server");
    let client_bin = dir.join("bin/mailslot_client");
    let mut server = command(&server_bin, &dir, &[&name])
        .spawn()
        .expect("server");
    let mut lines = BufReader::new(server.stdout.take().expect("server stdout"));
    let mut first = String::new();
    lines.read_line(&mut first).expect("first line");
    assert_eq!(first, format!("Mailslot {name} ready.\n"));
    // A second server on the same name fails with ERROR_ALREADY_EXISTS.
    let o = run(&server_bin, &dir, &[&name], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("CreateMailslot failed with error 183: "),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let input = expected("mailslot_client.in");
    let o = run(&client_bin, &dir, &["-x", &name], Some(input.as_bytes()));
    check_stdout(&o, &expected("mailslot_client.out"), "mailslot_client");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut lines, &mut rest).expect("server output");
    let status = wait_output(server, "mailslot_server").status;
    assert!(status.success(), "mailslot_server: {status:?}");
    let server_out = format!("{first}{rest}").replace(&name, r"\\.\mailslot\winipc_demo");
    assert_eq!(
        server_out,
        expected("mailslot_server.out"),
        "mailslot_server stdout"
    );
    eprintln!(
        "examples: mailslot exchange ok ({} lines)",
        server_out.lines().count()
    );

    // Error cases.
    let missing = format!(r"\\.\mailslot\winipc_missing_{}", std::process::id());
    let o = run(&client_bin, &dir, &[&missing], Some(b""));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "CreateFile failed with error 2: The system cannot find the file specified.\n"
    );
    let o = run(&server_bin, &dir, &["blah"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("CreateMailslot failed with error 123: ")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn examples_gcc() {
    examples("gcc");
}

#[test]
fn examples_clang() {
    examples("clang");
}

/// `libwinipc.a`: the sum example linked statically.
#[test]
fn examples_static_library() {
    let dir = work_dir("static");
    build_examples("gcc", &dir, true);
    sum_manager(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- textbook Win32 code, unchanged ----------------------------------------------------------

/// Compiles `src` the way a user would: no warning flags, just the headers and the library.
fn compile_as_user(src: &Path, out: &Path, mode: &[&str]) {
    let lib = lib_dir();
    let o = Command::new("gcc")
        .args(mode)
        .arg(format!("-I{}", repo().join("include").display()))
        .arg(src)
        .arg("-o")
        .arg(out)
        .arg(format!("-L{}", lib.display()))
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lwinipc")
        .output()
        .expect("run gcc");
    assert!(
        o.status.success(),
        "gcc {mode:?} {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The documentation's mailslot reader (which loops forever, polling every 3 s) and writer
/// (two messages, 5 s, a third), in one language mode: the reader must print the three
/// messages in order, each with its "Message #i of n" line, as on Windows.
fn msdocs_pair(tag: &str, mode: &[&str]) {
    let dir = work_dir(&format!("msdocs-{tag}"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/msdocs");
    let (reader, writer) = (dir.join("bin/reader"), dir.join("bin/writer"));
    compile_as_user(&src.join("reader.c"), &reader, mode);
    compile_as_user(&src.join("writer.c"), &writer, mode);

    // stdbuf: the reader's printf output is line-buffered although stdout is a pipe.
    let mut child = Command::new("stdbuf")
        .arg("-oL")
        .arg(&reader)
        .current_dir(&dir)
        .env("WINIPC_DIR", dir.join("store"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the reader");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    let next_line = |lines: &mut Vec<String>| -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        let l = rx.recv_timeout(left).ok()?;
        lines.push(l.clone());
        Some(l)
    };
    // The reader created its slot once it reports the first empty poll.
    while next_line(&mut lines).is_some_and(|l| l != "Waiting for a message...") {}
    let w = run(&writer, &dir, &[], None);
    let written = String::from_utf8_lossy(&w.stdout);
    let want_written = "Slot written to successfully.\n".repeat(3);
    let mut seen_third = false;
    while !seen_third {
        match next_line(&mut lines) {
            Some(l) => seen_third = l.contains("Message three"),
            None => break,
        }
    }
    // One more line: the third message's "Message #i of n".
    next_line(&mut lines);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(written, want_written, "{tag}: writer output");
    let contents: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("Contents of the mailslot: "))
        .collect();
    assert_eq!(
        contents,
        [
            "Contents of the mailslot: Message one for mailslot.",
            "Contents of the mailslot: Message two for mailslot.",
            "Contents of the mailslot: Message three for mailslot.",
        ],
        "{tag}: reader output {lines:#?}"
    );
    let counts = lines.iter().filter(|l| l.starts_with("Message #")).count();
    assert_eq!(counts, 3, "{tag}: reader output {lines:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Microsoft's own mailslot examples compile unchanged (strsafe.h, GlobalAlloc, an OVERLAPPED
/// on ReadFile, `void main`) and talk to each other, as ANSI and as UNICODE programs.
#[test]
fn microsoft_docs_mailslot_examples() {
    let ansi = std::thread::spawn(|| msdocs_pair("ansi", &[]));
    let unicode = std::thread::spawn(|| {
        msdocs_pair("unicode", &["-DUNICODE", "-D_UNICODE", "-fshort-wchar"])
    });
    let (a, u) = (ansi.join(), unicode.join());
    if let Err(e) = a.and(u) {
        std::panic::resume_unwind(e);
    }
}

/// The headers' self-test (`examples/c/header_check.sh`): every declaration against its exact
/// Win32 type, C99/C11/C++11/C++17 with gcc and clang, ANSI and both UNICODE modes, a strict
/// warning pass, and the tchar.h / strsafe.h runtime tests.
#[test]
fn header_self_test() {
    let child = Command::new("sh")
        .arg(repo().join("examples/c/header_check.sh"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run header_check.sh");
    let o = wait_output(child, "header_check.sh");
    let out = String::from_utf8_lossy(&o.stdout);
    eprintln!("{}", out.lines().last().unwrap_or(""));
    assert!(o.status.success(), "header_check.sh failed:\n{out}");
}

/// Every function the headers declare (`WINAPI Name(` and `<conio.h>`'s) is exported by
/// libwinipc.so, so that no program compiles and then fails to link.
#[test]
fn every_declared_function_is_exported() {
    let mut declared = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(repo().join("include")).expect("include/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for part in text.split("WINAPI ").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if part[name.len()..].starts_with('(') && !name.is_empty() {
                declared.insert(name);
            }
        }
    }
    for f in ["_getch", "_getche", "_kbhit", "_putch", "_ungetch"] {
        declared.insert(f.to_owned());
    }
    let o = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(lib_dir().join("libwinipc.so"))
        .output()
        .expect("run nm");
    assert!(o.status.success(), "nm failed");
    let exported: std::collections::BTreeSet<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect();
    let missing: Vec<&String> = declared.difference(&exported).collect();
    assert!(missing.is_empty(), "declared but not exported: {missing:?}");
    assert!(
        declared.len() > 200,
        "only {} declarations found",
        declared.len()
    );
}
