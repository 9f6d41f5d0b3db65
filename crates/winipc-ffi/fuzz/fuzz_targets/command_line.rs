//! Command lines (`CreateProcess` → the child's `argv`): splitting any text never panics,
//! and arguments quoted one by one and joined with spaces split back to themselves (argv[0]
//! kept whole when it has no `"`, as the C runtime takes it).
#![no_main]
use libfuzzer_sys::fuzz_target;
use winipc::fuzz_support::{quote_arg, split_command_line};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = split_command_line(s);
    // The input as arguments separated by NUL: quoted, joined, split again.
    let args: Vec<&str> = s.split('\0').collect();
    let program = "prog";
    let line = std::iter::once(program.to_owned())
        .chain(args.iter().map(|a| quote_arg(a)))
        .collect::<Vec<_>>()
        .join(" ");
    let back = split_command_line(&line);
    assert_eq!(back[0], program);
    assert_eq!(&back[1..], &args[..], "line {line:?}");
});
