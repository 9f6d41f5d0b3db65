//! The send path's pure parts: where a local request goes, the datagram that carries it, and
//! the name service packets (answers for our own name, queries for `\\HOST\`).

use std::net::Ipv4Addr;

use winipc_nbt::nbns::Rcode;
use winipc_nbt::{
    DataKind, Layout, MailslotDatagram, MailslotWrite, NbAddress, NbName, NbnsMessage, NbnsPacket,
    NodeType,
};

use crate::proto::{Request, Status, Target};

/// TTL of our positive name query answers, in seconds (what Windows sends).
pub const ANSWER_TTL: u32 = 300_000;

/// How a request is to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plan {
    /// DIRECT_GROUP to this `<00>` group name, on every interface's broadcast address.
    Group(NbName),
    /// DIRECT_UNIQUE to this host name, once its address is known.
    Unique(NbName),
}

/// Decides how `request` is sent: `\\*\` and known group names are groups, anything else a
/// host to resolve. Checks the payload against the mailslot limit.
pub fn plan(request: &Request, workgroup: NbName, groups: &[NbName]) -> Result<Plan, Status> {
    let max = winipc_nbt::max_payload(request.path.len());
    if request.payload.len() > max {
        return Err(Status::TooLarge);
    }
    match &request.target {
        Target::AllInDomain => Ok(Plan::Group(workgroup)),
        Target::Name(n) => {
            let name = NbName::new(n, 0).map_err(|_| Status::BadRequest)?;
            Ok(if groups.contains(&name) {
                Plan::Group(name)
            } else {
                Plan::Unique(name)
            })
        }
    }
}

/// Everything an outgoing datagram needs besides its destination.
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    /// Our `NAME<00>`.
    pub source_name: NbName,
    /// SOURCE_PORT.
    pub source_port: u16,
    /// SMB layout.
    pub layout: Layout,
}

impl Sender {
    /// The datagram for `request`, sent from `source_ip` to `destination`.
    pub fn datagram(
        &self,
        id: u16,
        kind: DataKind,
        source_ip: Ipv4Addr,
        destination: NbName,
        request: &Request,
    ) -> Result<Vec<u8>, Status> {
        let message = MailslotDatagram {
            kind,
            node_type: NodeType::B,
            id,
            source_ip,
            source_port: self.source_port,
            source_name: self.source_name,
            destination_name: destination,
            write: MailslotWrite::new(&request.path, &request.payload),
        };
        winipc_nbt::encode_mailslot_datagram(&message, self.layout).map_err(|e| match e {
            winipc_nbt::Error::TooLarge { .. } => Status::TooLarge,
            _ => Status::BadRequest,
        })
    }
}

/// The answer to a name service packet received on an interface whose address is `address`:
/// a positive answer to a query for `our_name`, nothing for anything else (other hosts answer
/// for their names; we never answer negatively to broadcasts, as RFC 1002 requires).
pub fn answer_query(packet: &[u8], our_name: NbName, address: Ipv4Addr) -> Option<Vec<u8>> {
    let packet = NbnsPacket::decode(packet).ok()?;
    let NbnsMessage::NameQuery { name } = packet.message else {
        return None;
    };
    if name != our_name {
        return None;
    }
    let entry = NbAddress {
        group: false,
        node_type: NodeType::B,
        address,
    };
    NbnsPacket::positive_response(packet.transaction_id, name, ANSWER_TTL, vec![entry])
        .encode()
        .ok()
}

/// What a name query found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Found {
    /// A unique name at this address.
    Unique(Ipv4Addr),
    /// A group name: send to the broadcast address.
    Group,
    /// A negative answer.
    Negative,
}

/// Parses a name query response for transaction `id` and `name`.
pub fn parse_answer(packet: &[u8], id: u16, name: NbName) -> Option<Found> {
    let packet = NbnsPacket::decode(packet).ok()?;
    if packet.transaction_id != id {
        return None;
    }
    match packet.message {
        NbnsMessage::PositiveQueryResponse {
            name: n, addresses, ..
        } if n == name => {
            let first = addresses.first()?;
            Some(if first.group {
                Found::Group
            } else {
                Found::Unique(first.address)
            })
        }
        NbnsMessage::NegativeQueryResponse {
            name: n,
            rcode: Rcode::NameError,
        } if n == name => Some(Found::Negative),
        _ => None,
    }
}

/// A broadcast name query for `name`.
pub fn query(id: u16, name: NbName) -> Vec<u8> {
    NbnsPacket::name_query(id, name, true)
        .encode()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(target: Target, len: usize) -> Request {
        Request {
            id: 1,
            target,
            path: "test".into(),
            payload: vec![7; len],
        }
    }

    #[test]
    fn plans() {
        let wg = NbName::new("WORKGROUP", 0).unwrap();
        let groups = [wg, NbName::new("CORP", 0).unwrap()];
        assert_eq!(
            plan(&req(Target::AllInDomain, 10), wg, &groups),
            Ok(Plan::Group(wg))
        );
        assert_eq!(
            plan(&req(Target::Name("corp".into()), 10), wg, &groups),
            Ok(Plan::Group(groups[1]))
        );
        assert_eq!(
            plan(&req(Target::Name("host1".into()), 428), wg, &groups),
            Ok(Plan::Unique(NbName::new("HOST1", 0).unwrap()))
        );
        assert_eq!(
            plan(&req(Target::AllInDomain, 429), wg, &groups),
            Err(Status::TooLarge)
        );
    }

    #[test]
    fn datagram_and_queries() {
        let me = NbName::new("ME", 0).unwrap();
        let s = Sender {
            source_name: me,
            source_port: 138,
            layout: Layout::Packed,
        };
        let bytes = s
            .datagram(
                9,
                DataKind::DirectGroup,
                Ipv4Addr::new(10, 0, 0, 1),
                NbName::new("WORKGROUP", 0).unwrap(),
                &req(Target::AllInDomain, 5),
            )
            .unwrap();
        let d = winipc_nbt::decode_mailslot_datagram(&bytes).unwrap();
        assert_eq!(d.write.mailslot, "test");
        assert_eq!(d.source_name, me);

        let q = query(77, me);
        let answer = answer_query(&q, me, Ipv4Addr::new(10, 0, 0, 1)).unwrap();
        assert_eq!(
            parse_answer(&answer, 77, me),
            Some(Found::Unique(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(parse_answer(&answer, 78, me), None);
        assert!(answer_query(&q, NbName::new("OTHER", 0).unwrap(), Ipv4Addr::LOCALHOST).is_none());
        assert!(answer_query(&answer, me, Ipv4Addr::LOCALHOST).is_none());
    }
}
