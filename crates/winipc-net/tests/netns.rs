//! winipc-netd between hosts in network namespaces (root only; skipped with a reason
//! otherwise): broadcast and unique writes between three hosts, bad input and floods, and
//! binding only the configured interfaces. All traffic stays inside namespaces these tests
//! create (10.99.x.y, no routes out).

mod common;

use std::time::{Duration, Instant};

use common::{Net, datagram, hex, serial, watchdog};

fn daemon_args<'a>(name: &'a str, iface: &'a str) -> Vec<&'a str> {
    vec![
        "--interface",
        iface,
        "--name",
        name,
        "--nbns",
        "--no-system-resolver",
    ]
}

#[test]
fn three_hosts_broadcast_and_unique() {
    require_netns!();
    let _serial = serial();
    let _dog = watchdog("three_hosts_broadcast_and_unique", Duration::from_secs(60));
    let net = Net::build("b", &[&[0], &[0], &[0]]);
    let names = ["ALPHA", "BRAVO", "CHARLIE"];
    let mut daemons = Vec::new();
    let mut receivers = Vec::new();
    for (h, name) in net.hosts.iter().zip(names) {
        daemons.push(h.netd(&format!("netd-{name}"), &daemon_args(name, "eth0")));
        receivers.push(h.receiver(&format!("recv-{name}"), "x", 30_000));
    }

    // \\*\ from ALPHA reaches all three hosts (ALPHA too: a broadcast loops back).
    let sent = net.hosts[0].probe(&["send", r"\\*\mailslot\x", "to everyone"]);
    assert_eq!(sent, "ok");
    for (r, name) in receivers.iter_mut().zip(names) {
        let got = r.messages(Duration::from_millis(1500));
        assert_eq!(got, [b"to everyone".to_vec()], "{name} and the broadcast");
    }

    // \\WORKGROUP\ is the same group.
    assert_eq!(
        net.hosts[1].probe(&["send", r"\\workgroup\MailSlot\X", "group"]),
        "ok"
    );
    for (r, name) in receivers.iter_mut().zip(names) {
        assert_eq!(
            r.messages(Duration::from_millis(1000)),
            [b"group".to_vec()],
            "{name} and the group write"
        );
    }

    // \\CHARLIE\ from ALPHA: resolved by CHARLIE's name service answer, delivered only there.
    let start = Instant::now();
    assert_eq!(
        net.hosts[0].probe(&["send", r"\\charlie\mailslot\x", "just you"]),
        "ok"
    );
    eprintln!(
        "unique write with name resolution took {:?}",
        start.elapsed()
    );
    let got: Vec<_> = receivers
        .iter_mut()
        .map(|r| r.messages(Duration::from_millis(1000)))
        .collect();
    assert_eq!(got[2], [b"just you".to_vec()]);
    assert!(
        got[0].is_empty() && got[1].is_empty(),
        "unique write leaked: {got:?}"
    );

    // A second unique write uses the cached answer.
    assert_eq!(
        net.hosts[0].probe(&["send", r"\\CHARLIE\mailslot\x", "again"]),
        "ok"
    );
    assert_eq!(
        receivers[2].messages(Duration::from_millis(800)),
        [b"again".to_vec()]
    );

    // Nobody answers for DELTA: ERROR_BAD_NETPATH (53).
    let out = net.hosts[1].probe(&["send", r"\\DELTA\mailslot\x", "nobody"]);
    assert!(out.starts_with("error 53 "), "{out}");
    // Too large for the wire: 424 bytes is the limit for 5-8 character names.
    let big = "a".repeat(425);
    let out = net.hosts[1].probe(&["send", r"\\*\mailslot\toolarge", &big]);
    assert!(out.starts_with("error 53 "), "{out}");
    let max = "a".repeat(424);
    assert_eq!(
        net.hosts[1].probe(&["send", r"\\*\mailslot\justfits", &max]),
        "ok"
    );

    for (d, name) in daemons.iter_mut().zip(names) {
        let log = d.stop();
        assert!(
            log.contains("winipc-netd stopping"),
            "{name} did not stop cleanly: {log}"
        );
    }
    let charlie = daemons[2].log_text();
    assert!(charlie.contains("answered name query"), "{charlie}");
}

/// Stats line fields from a daemon's final log.
fn stat(log: &str, field: &str) -> u64 {
    let line = log
        .lines()
        .rev()
        .find(|l| l.contains("winipc-netd stopping"))
        .unwrap_or_default();
    [format!(" {field}="), format!("={field}=")]
        .iter()
        .find_map(|key| line.find(key.as_str()).map(|at| &line[at + key.len()..]))
        .and_then(|v| v.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {line:?}"))
}

#[test]
fn bad_input_and_floods() {
    require_netns!();
    let _serial = serial();
    let _dog = watchdog("bad_input_and_floods", Duration::from_secs(90));
    let net = Net::build("f", &[&[0], &[0]]);
    let (target, attacker) = (&net.hosts[0], &net.hosts[1]);
    let to = format!("{}:138", target.addr(0));
    let good = |text: &str| hex(&datagram("TARGET", "x", text.as_bytes(), attacker.addr(0)));

    // Phase 1: a generous rate limit, so every datagram is decoded.
    let cfg = net.path("generous.toml");
    std::fs::write(
        &cfg,
        "rate_limit = { per_second = 1000000, burst = 100000 }\n\
         source_rate_limit = { per_second = 1000000, burst = 100000 }\n",
    )
    .unwrap();
    let mut d = target.netd(
        "netd-generous",
        &[
            "--config",
            cfg.to_str().unwrap(),
            "--interface",
            "eth0",
            "--name",
            "TARGET",
        ],
    );
    let mut slot = target.receiver("recv-1", "x", 60_000);
    let rss_before = d.rss_kib();

    // Hand-made bad datagrams: truncated at every length, lying lengths, over-size.
    let template = datagram("TARGET", "x", b"template", attacker.addr(0));
    for cut in [0, 1, 13, 14, 47, 82, 100, 150, template.len() - 1] {
        assert_eq!(attacker.probe(&["raw", &to, &hex(&template[..cut])]), "ok");
    }
    let mut lying = template.clone();
    lying[11] = lying[11].wrapping_add(40); // DGM_LENGTH longer than the datagram
    assert_eq!(attacker.probe(&["raw", &to, &hex(&lying)]), "ok");
    let mut oversize = template.clone();
    oversize.resize(3000, 0x55);
    assert_eq!(attacker.probe(&["raw", &to, &hex(&oversize)]), "ok");
    assert_eq!(
        attacker.probe(&["raw", &to, &good("after the bad ones")]),
        "ok"
    );
    assert_eq!(
        slot.messages(Duration::from_millis(800)),
        [b"after the bad ones".to_vec()]
    );

    // A bounded flood: 20000 datagrams in about 3 s, a good one every 1000.
    let start = Instant::now();
    let out = attacker.probe(&[
        "flood",
        &to,
        "--count",
        "20000",
        "--good-every",
        "1000",
        "--dest-name",
        "TARGET",
        "--slot",
        "x",
        "--duration-ms",
        "3000",
    ]);
    eprintln!("flood: {out} in {:?}", start.elapsed());
    assert_eq!(out, "ok good=20");
    let got = slot.messages(Duration::from_millis(1500));
    eprintln!(
        "{} of 20 good datagrams delivered during the flood",
        got.len()
    );
    assert!(
        got.len() >= 15,
        "only {} good datagrams got through",
        got.len()
    );
    assert!(
        got.iter().all(|m| m.starts_with(b"good ")),
        "garbage reached the slot: {got:?}"
    );
    assert!(d.alive(), "daemon died: {}", d.log_text());
    for i in 0..5 {
        let text = format!("still working {i}");
        assert_eq!(attacker.probe(&["raw", &to, &good(&text)]), "ok");
        assert_eq!(
            slot.messages(Duration::from_millis(500)),
            [text.into_bytes()]
        );
    }
    let rss_after = d.rss_kib();
    eprintln!("daemon RSS {rss_before} KiB before, {rss_after} KiB after the flood");
    assert!(
        rss_after < rss_before + 8 * 1024,
        "memory grew from {rss_before} to {rss_after} KiB"
    );
    let log = d.stop();
    let bad = stat(&log, "malformed") + stat(&log, "oversize");
    eprintln!("phase 1: malformed+oversize={bad}");
    assert!(bad >= 15_000, "{bad}");
    assert!(stat(&log, "delivered") >= 21);
    drop(slot);

    // Phase 2: the default rate limit drops most of a flood, and recovers.
    let mut d = target.netd("netd-default", &["--interface", "eth0", "--name", "TARGET"]);
    let mut slot = target.receiver("recv-2", "x", 60_000);
    let out = attacker.probe(&[
        "flood",
        &to,
        "--count",
        "20000",
        "--good-every",
        "0",
        "--dest-name",
        "TARGET",
        "--slot",
        "x",
        "--duration-ms",
        "2000",
    ]);
    assert_eq!(out, "ok good=0");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        attacker.probe(&["raw", &to, &good("after the limit")]),
        "ok"
    );
    assert_eq!(
        slot.messages(Duration::from_millis(800)),
        [b"after the limit".to_vec()]
    );
    let log = d.stop();
    let limited = stat(&log, "rate_limited");
    eprintln!("phase 2: rate_limited={limited}");
    assert!(limited > 0, "{log}");
}

#[test]
fn binds_only_configured_interfaces() {
    require_netns!();
    let _serial = serial();
    let _dog = watchdog("binds_only_configured_interfaces", Duration::from_secs(60));
    // Both hosts are on subnets 0 (eth0) and 1 (eth1); the daemon is told eth0 only.
    let net = Net::build("i", &[&[0, 1], &[0, 1]]);
    let (host, peer) = (&net.hosts[0], &net.hosts[1]);
    let mut d = host.netd(
        "netd",
        &["--interface", "eth0", "--name", "ONLY0", "--nbns"],
    );
    let mut slot = host.receiver("recv", "x", 30_000);

    let sockets = host.output("ss", &["-uanH"]);
    eprintln!("sockets in the daemon's namespace:\n{sockets}");
    for line in sockets.lines() {
        assert!(
            !line.contains(&format!("{}:", host.addr(1))) && !line.contains("0.0.0.0:138"),
            "bound beyond eth0: {line}"
        );
    }

    let dg = |text: &str| hex(&datagram("ONLY0", "x", text.as_bytes(), peer.addr(1)));
    // To eth1's address, and to eth1's broadcast: not received.
    let eth1 = format!("{}:138", host.addr(1));
    assert_eq!(peer.probe(&["raw", &eth1, &dg("via eth1 unicast")]), "ok");
    assert_eq!(
        peer.probe(&["raw", "10.99.1.255:138", &dg("via eth1 broadcast")]),
        "ok"
    );
    // To eth0's address and broadcast: received.
    let eth0 = format!("{}:138", host.addr(0));
    assert_eq!(peer.probe(&["raw", &eth0, &dg("via eth0 unicast")]), "ok");
    assert_eq!(
        peer.probe(&["raw", "10.99.0.255:138", &dg("via eth0 broadcast")]),
        "ok"
    );
    let got = slot.messages(Duration::from_millis(1500));
    assert_eq!(
        got,
        [b"via eth0 unicast".to_vec(), b"via eth0 broadcast".to_vec()]
    );
    let log = d.stop();
    assert!(log.contains("winipc-netd stopping"), "{log}");
    assert_eq!(stat(&log, "received"), 2, "{log}");
}

/// Issue 13: while one source floods UDP 138 (20,000 well-formed writes a second, to the same
/// slot), a well-behaved peer at 50 datagrams a second still gets at least 90 % through: each
/// source has its own token bucket, so the flood exhausts only its own. (With one shared
/// bucket of 2000/s the peer got 107 of 200 through, measured.)
#[test]
fn fair_share_under_flood() {
    require_netns!();
    let _serial = serial();
    let _dog = watchdog("fair_share_under_flood", Duration::from_secs(90));
    let net = Net::build("r", &[&[0], &[0], &[0]]);
    let (target, flooder, peer) = (&net.hosts[0], &net.hosts[1], &net.hosts[2]);
    let to = format!("{}:138", target.addr(0));
    let mut d = target.netd("netd-fair", &["--interface", "eth0", "--name", "TARGET"]);
    let mut slot = target.receiver("recv-fair", "fair", 60_000);

    let flood_count = "100000"; // 5 s at 20,000/s
    let mut flood = flooder.spawn(
        "flood",
        common::PROBE,
        &[
            "pace",
            &to,
            "--count",
            flood_count,
            "--rate",
            "20000",
            "--dest-name",
            "TARGET",
            "--slot",
            "fair",
            "--tag",
            "flood",
        ],
        &[],
    );
    std::thread::sleep(Duration::from_millis(500));
    let good = peer.probe(&[
        "pace",
        &to,
        "--count",
        "200",
        "--rate",
        "50",
        "--dest-name",
        "TARGET",
        "--slot",
        "fair",
        "--tag",
        "good",
    ]);
    assert!(good.starts_with("ok sent=200"), "{good}");
    let flooded = flood
        .expect_line(|l| l.starts_with("ok"), Duration::from_secs(20))
        .expect("the flood finished");
    let got = slot.messages(Duration::from_millis(1500));
    let good_got = got.iter().filter(|m| m.starts_with(b"good ")).count();
    let flood_got = got.iter().filter(|m| m.starts_with(b"flood ")).count();
    let log = d.stop();
    let limited = stat(&log, "rate_limited");
    let received = stat(&log, "received");
    eprintln!(
        "fairness: peer {good} -> {good_got}/200 delivered; flooder {flooded} -> {flood_got} \
         delivered; daemon received={received} rate_limited={limited}"
    );
    assert!(
        good_got >= 180,
        "only {good_got} of the peer's 200 datagrams got through the flood"
    );
    // The flooder got its own rate (200/s, burst 100) and no more.
    assert!(flood_got <= 100 + 200 * 8, "{flood_got}");
    assert!(limited > 10_000, "the flood was not limited: {log}");
}
