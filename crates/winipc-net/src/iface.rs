//! Interface addresses, from `getifaddrs(3)` (through `nix`, which wraps the one unsafe call).

use std::io;
use std::net::Ipv4Addr;

use crate::config::InterfaceAddr;

/// The IPv4 addresses of interface `name`, each with its broadcast address.
///
/// An interface that does not exist, or has no IPv4 address, is an error: the daemon must not
/// silently listen on fewer interfaces than configured.
pub fn addresses(name: &str) -> io::Result<Vec<InterfaceAddr>> {
    let mut out = Vec::new();
    let mut seen = false;
    for ifa in nix::ifaddrs::getifaddrs()? {
        if ifa.interface_name != name {
            continue;
        }
        seen = true;
        let Some(address) = ifa
            .address
            .as_ref()
            .and_then(|a| a.as_sockaddr_in())
            .map(|a| a.ip())
        else {
            continue;
        };
        let broadcast = ifa
            .broadcast
            .as_ref()
            .and_then(|a| a.as_sockaddr_in())
            .map(|a| a.ip())
            .filter(|b| !b.is_unspecified() && *b != address);
        let point_to_point = ifa.flags.intersects(
            nix::net::if_::InterfaceFlags::IFF_LOOPBACK
                | nix::net::if_::InterfaceFlags::IFF_POINTOPOINT,
        );
        let netmask = ifa
            .netmask
            .as_ref()
            .and_then(|a| a.as_sockaddr_in())
            .map_or(Ipv4Addr::BROADCAST, |a| a.ip());
        let can_broadcast = ifa
            .flags
            .contains(nix::net::if_::InterfaceFlags::IFF_BROADCAST);
        // `ip addr add A/N` without `brd +` records no broadcast address, yet the kernel
        // still routes the subnet's all-ones address as broadcast: derive it then.
        let broadcast = broadcast.or_else(|| {
            let mask = u32::from(netmask);
            (can_broadcast && mask.count_ones() < 31)
                .then(|| Ipv4Addr::from(u32::from(address) | !mask))
        });
        out.push(InterfaceAddr {
            address,
            netmask,
            broadcast: if point_to_point { None } else { broadcast },
        });
    }
    if !seen {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no interface named {name:?}"),
        ));
    }
    if out.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::AddrNotAvailable,
            format!("interface {name:?} has no IPv4 address"),
        ));
    }
    Ok(out)
}

/// Whether `ip` is a limited or subnet-directed broadcast address of one of `addrs`.
pub fn is_broadcast(addrs: &[InterfaceAddr], ip: Ipv4Addr) -> bool {
    ip.is_broadcast() || addrs.iter().any(|a| a.broadcast == Some(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback() {
        let lo = addresses("lo").unwrap();
        assert!(lo.iter().any(|a| a.address == Ipv4Addr::LOCALHOST));
        assert!(lo.iter().all(|a| a.broadcast.is_none()));
        assert!(addresses("no-such-if0").is_err());
    }
}
