//! Which addresses a webhook may be delivered to. A partner's URL must not reach the console's
//! own network (server-side request forgery): loopback, private, link-local, multicast and
//! cloud-metadata addresses are refused at registration and again at every delivery, since a
//! name can resolve elsewhere later.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused, as the partner is told; `None` when it may be reached.
pub fn refused(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refused_v4(v4),
            None => refused_v6(v6),
        },
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, d] = ip.octets();
    // AWS, GCP and Azure answer at 169.254.169.254 (link-local too, named for the message);
    // Alibaba Cloud at 100.100.100.200, inside the carrier-grade NAT range.
    if [a, b, c, d] == [169, 254, 169, 254] || [a, b, c, d] == [100, 100, 100, 200] {
        return Some("cloud metadata");
    }
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_unspecified() || ip.is_broadcast() || a == 0 || a >= 240 {
        Some("reserved")
    } else {
        None
    }
}

fn refused_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    // AWS's instance metadata over IPv6.
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Some("cloud metadata");
    }
    if ip.is_loopback() {
        Some("loopback")
    } else if first & 0xfe00 == 0xfc00 {
        Some("private")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_unspecified() || ip.to_ipv4().is_some() {
        // `::a.b.c.d`, deprecated and only ever pointing inwards.
        Some("reserved")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inward_class_is_refused_and_public_addresses_pass() {
        let cases = [
            ("127.0.0.1", Some("loopback")),
            ("127.9.9.9", Some("loopback")),
            ("::1", Some("loopback")),
            ("::ffff:127.0.0.1", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("192.168.1.1", Some("private")),
            ("100.64.0.1", Some("private")),
            ("fd12:3456::1", Some("private")),
            ("169.254.1.1", Some("link-local")),
            ("fe80::1", Some("link-local")),
            ("224.0.0.1", Some("multicast")),
            ("ff02::1", Some("multicast")),
            ("169.254.169.254", Some("cloud metadata")),
            ("::ffff:169.254.169.254", Some("cloud metadata")),
            ("100.100.100.200", Some("cloud metadata")),
            ("fd00:ec2::254", Some("cloud metadata")),
            ("0.0.0.0", Some("reserved")),
            ("::", Some("reserved")),
            ("255.255.255.255", Some("reserved")),
            ("93.184.216.34", None),
            ("172.32.0.1", None),
            ("2606:4700::1111", None),
        ];
        for (ip, want) in cases {
            assert_eq!(refused(ip.parse().unwrap()), want, "{ip}");
        }
    }
}
