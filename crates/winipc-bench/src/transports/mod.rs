//! Every transport the benchmark knows, one file each, and the registry that lists them.

mod async_wake;
mod fifo;
mod futex_slot;
mod local_socket;
mod mux;
mod posix_mq;
mod shm_ring;
mod slot;
mod unix_connected;
mod unix_dgram;
mod winipc_c_event;
mod winipc_c_mailslot;
mod winipc_event;
mod winipc_mailslot;
mod winipc_pipe;

use crate::transport::Transport;

/// All transports, in table order.
///
/// winipc's own transports come first; the report's ratios are taken against
/// `winipc-mailslot`.
pub static REGISTRY: &[&dyn Transport] = &[
    &winipc_mailslot::WinipcMailslot,
    &winipc_event::WinipcEvent,
    &winipc_c_mailslot::WinipcCMailslot,
    &winipc_c_event::WinipcCEvent,
    &winipc_pipe::WinipcPipeMsg,
    &winipc_pipe::WinipcPipeByte,
    &winipc_pipe::WinipcPipeMsgShm,
    &winipc_pipe::WinipcPipeByteShm,
    &unix_dgram::UnixDgram,
    &unix_connected::SEQPACKET,
    &unix_connected::STREAM,
    &posix_mq::PosixMq,
    &fifo::Fifo,
    &local_socket::LocalSocket,
    &shm_ring::ShmRing,
    &futex_slot::FutexSlot,
    &async_wake::WinipcMailslotAsync,
    &async_wake::WinipcEventAsync,
    &async_wake::TokioUnixDgram,
];

/// Ratios are computed against the first of these ids that took part in the run.
pub const REFERENCE_PREFERENCE: &[&str] = &["winipc-mailslot", "unix-dgram"];

/// Looks a transport up by id.
pub fn by_id(id: &str) -> Option<&'static dyn Transport> {
    REGISTRY.iter().copied().find(|t| t.id() == id)
}
