//! Interop with Samba's nmbd (Debian's `samba`, installed by `tests/install-deps.sh`), in network
//! namespaces: winipc receives and decodes nmbd's start-up `\MAILSLOT\BROWSE` host
//! announcement, nmbd accepts a winipc write to its name (its `-d 4` log shows
//! `process_dgram` for our slot), and tshark decodes our datagrams as SMB mailslot writes with
//! no malformed field. Root only; skipped with a reason when nmbd or tshark is missing.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Net, serial, watchdog};
use winipc_nbt::browse::{AnnouncementKind, BrowseFrame, server_type};

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn samba_nmbd_interop() {
    require_netns!();
    for tool in ["nmbd", "tshark"] {
        if !have(tool) {
            eprintln!(
                "SKIPPED: {tool} is not installed (run crates/winipc-net/tests/install-deps.sh)"
            );
            return;
        }
    }
    let _serial = serial();
    let _dog = watchdog("samba_nmbd_interop", Duration::from_secs(90));
    let net = Net::build("s", &[&[0], &[0]]);
    let (samba, win) = (&net.hosts[0], &net.hosts[1]);

    // Capture everything on the bridge.
    let bridge = net.bridge_host();
    let pcap = net.path("capture.pcap");
    let pcap_s = pcap.to_str().unwrap().to_owned();
    let mut tshark = bridge.spawn(
        "tshark",
        "tshark",
        &[
            "-i",
            "br0",
            "-n",
            "-w",
            &pcap_s,
            "-f",
            "udp port 137 or udp port 138",
        ],
        &[],
    );
    let start = Instant::now();
    while !tshark.log_text().contains("Capturing on") {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "tshark did not start: {}",
            tshark.log_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The winipc host: member of the browser names, receiving \\.\mailslot\browse.
    let mut netd = win.netd(
        "netd",
        &[
            "--interface",
            "eth0",
            "--name",
            "WINHOST",
            "--nbns",
            "--browser-names",
            "--no-system-resolver",
        ],
    );
    let mut browse = win.receiver("browse", "browse", 60_000);

    // nmbd in the other namespace.
    let smb = net.path("samba");
    for d in ["lock", "state", "cache", "pid", "private", "ncalrpc", "log"] {
        std::fs::create_dir_all(smb.join(d)).unwrap();
    }
    let conf = smb.join("smb.conf");
    let dir = smb.display();
    std::fs::write(
        &conf,
        format!(
            "[global]\n\
             workgroup = WORKGROUP\n\
             netbios name = NMBDHOST\n\
             interfaces = eth0\n\
             bind interfaces only = yes\n\
             server role = standalone server\n\
             lock directory = {dir}/lock\n\
             state directory = {dir}/state\n\
             cache directory = {dir}/cache\n\
             pid directory = {dir}/pid\n\
             private dir = {dir}/private\n\
             ncalrpc dir = {dir}/ncalrpc\n\
             log file = {dir}/log/log.%m\n"
        ),
    )
    .unwrap();
    let conf_s = conf.to_str().unwrap().to_owned();
    let mut nmbd = samba.spawn(
        "nmbd",
        "nmbd",
        &[
            "-F",
            "--no-process-group",
            "--debug-stdout",
            "-d",
            "4",
            "-s",
            &conf_s,
        ],
        &[],
    );

    // 1. nmbd's start-up host announcement reaches \\.\mailslot\browse and decodes.
    let mut announcement = None;
    let deadline = Instant::now() + Duration::from_secs(15);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Some(line) = browse.expect_line(|l| l.starts_with("msg "), left) else {
            break;
        };
        let message = common::unhex(line.trim_start_matches("msg "));
        if let Ok(BrowseFrame::Announcement(a)) = BrowseFrame::decode(&message)
            && a.kind == AnnouncementKind::Host
        {
            eprintln!(
                "decoded HostAnnouncement: server {:?}, type {:#010x}, OS {}.{}, comment {:?}",
                String::from_utf8_lossy(a.server_name),
                a.server_type,
                a.os_major,
                a.os_minor,
                String::from_utf8_lossy(a.comment)
            );
            announcement = Some((a.server_name.to_vec(), a.server_type));
            break;
        }
    }
    let (server, kind) = announcement.unwrap_or_else(|| {
        panic!(
            "no host announcement from nmbd; netd log:\n{}\nnmbd log:\n{}",
            netd.log_text(),
            nmbd.log_text()
        )
    });
    assert_eq!(server, b"NMBDHOST");
    for bit in [
        server_type::WORKSTATION,
        server_type::SERVER,
        server_type::SERVER_UNIX,
    ] {
        assert_ne!(kind & bit, 0, "server type {kind:#x} lacks {bit:#x}");
    }

    // 2. A winipc write to nmbd's name: resolved by nmbd's name service answer, accepted.
    // nmbd answers name queries once it has registered its names (a few seconds after
    // start-up), so the first writes may find no answer: retry for a while.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = win.probe(&["send", r"\\NMBDHOST\mailslot\winipc_test", "hello nmbd"]);
        if out == "ok" {
            break;
        }
        assert!(Instant::now() < deadline, "{out}");
        std::thread::sleep(Duration::from_millis(1000));
    }
    assert_eq!(
        win.probe(&["send", r"\\*\mailslot\winipc_group", "hello workgroup"]),
        "ok"
    );
    for slot in ["winipc_test", "winipc_group"] {
        let line = nmbd
            .expect_line(
                |l| l.contains("process_dgram") && l.contains(slot),
                Duration::from_secs(10),
            )
            .unwrap_or_else(|| panic!("nmbd did not log process_dgram for {slot}"));
        eprintln!("nmbd: {}", line.trim());
        assert!(line.contains("WINHOST<00>"), "{line}");
    }

    // 3. tshark decodes our datagrams as SMB mailslot writes, and nothing as malformed.
    std::thread::sleep(Duration::from_millis(500));
    tshark.stop();
    let filter = format!("ip.src=={} && udp.srcport==138", win.addr(0));
    let out = Command::new("tshark")
        .args(["-r", &pcap_s, "-n", "-V", "-Y", &filter])
        .output()
        .expect("tshark -r");
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "SMB MailSlot Protocol",
        r"Mailslot Name: \MAILSLOT\winipc_test",
        r"Mailslot Name: \MAILSLOT\winipc_group",
        "Destination name: NMBDHOST<00>",
        "Destination name: WORKGROUP<00>",
        "Source name: WINHOST<00>",
    ] {
        assert!(
            text.contains(expected),
            "tshark -V lacks {expected:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("Malformed"),
        "malformed in our datagrams:\n{text}"
    );
    let malformed = Command::new("tshark")
        .args([
            "-r",
            &pcap_s,
            "-n",
            "-Y",
            "_ws.malformed || _ws.expert.severity >= error",
        ])
        .output()
        .expect("tshark -r");
    let malformed = String::from_utf8_lossy(&malformed.stdout);
    assert!(
        malformed.trim().is_empty(),
        "malformed packets:\n{malformed}"
    );
    let summary = Command::new("tshark")
        .args(["-r", &pcap_s, "-n", "-Y", "udp.port==138"])
        .output()
        .expect("tshark -r");
    eprintln!(
        "datagrams captured:\n{}",
        String::from_utf8_lossy(&summary.stdout)
    );

    let log = netd.stop();
    assert!(log.contains("winipc-netd stopping"), "{log}");
    nmbd.stop();
}
