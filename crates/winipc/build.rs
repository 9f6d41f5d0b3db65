//! Prepares the README's Rust examples as doctests (`lib.rs`, `ReadmeDoctests`): each
//! ```rust block gets a hidden statement, `# winipc::__doc::isolate();` (first in `fn main`
//! when the example has one), that gives the doctest process a private store directory. The
//! README itself shows readers only the code they would copy.

use std::path::PathBuf;

const HOOK: &str = "# winipc::__doc::isolate();\n";

fn main() {
    let readme = PathBuf::from("../../README.md");
    println!("cargo:rerun-if-changed={}", readme.display());
    println!("cargo:rerun-if-changed=build.rs");
    // The packaged crate has no ../../README.md: the doctests are then empty.
    let text = std::fs::read_to_string(&readme).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 256);
    let mut block: Option<Vec<&str>> = None;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        match &mut block {
            None => {
                out.push_str(line);
                out.push('\n');
                if fence && line.trim_start().starts_with("```rust") {
                    block = Some(Vec::new());
                }
            }
            Some(lines) if !fence => lines.push(line),
            Some(lines) => {
                let has_main = lines.iter().any(|l| l.trim_start().starts_with("fn main"));
                if !has_main {
                    out.push_str(HOOK);
                }
                for l in lines.iter() {
                    out.push_str(l);
                    out.push('\n');
                    if has_main && l.trim_start().starts_with("fn main") {
                        out.push_str(HOOK);
                    }
                }
                out.push_str(line);
                out.push('\n');
                block = None;
            }
        }
    }
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(dest.join("README.doctest.md"), out).expect("write README.doctest.md");
}
