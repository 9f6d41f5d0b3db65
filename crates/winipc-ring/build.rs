fn main() {
    // `--cfg loom` switches the atomics to loom's model-checked ones.
    println!("cargo::rustc-check-cfg=cfg(loom)");
}
