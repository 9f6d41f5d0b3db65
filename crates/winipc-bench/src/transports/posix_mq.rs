//! POSIX message queues (`mq_overview(7)`): the parent creates the queue, children open it.
//! Queue depth is [`DEPTH`]; `/proc/sys/fs/mqueue/msg_max` is raised to it only when running as
//! root, otherwise the depth is clamped to the limit.

use std::io;

use crate::sys::MessageQueue;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// Messages a queue holds before `mq_send` blocks.
pub const DEPTH: usize = 64;

const MSG_MAX: &str = "/proc/sys/fs/mqueue/msg_max";
const MSGSIZE_MAX: &str = "/proc/sys/fs/mqueue/msgsize_max";

/// POSIX message queues.
#[derive(Debug)]
pub struct PosixMq;

struct Rx(MessageQueue);
struct Tx(MessageQueue);

fn read_limit(path: &str) -> Option<usize> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// The queue depth we can use, raising the system limit first if we are allowed to.
fn usable_depth() -> usize {
    match read_limit(MSG_MAX) {
        Some(max) if max >= DEPTH => DEPTH,
        Some(max) if rustix::process::geteuid().is_root() => {
            if std::fs::write(MSG_MAX, DEPTH.to_string()).is_ok() {
                DEPTH
            } else {
                max
            }
        }
        Some(max) => max,
        None => DEPTH,
    }
}

/// Turns `mq_open` failures into advice.
fn explain(err: io::Error, what: &str, msg_size: usize) -> io::Error {
    let hint = match err.raw_os_error() {
        Some(libc::EMFILE) => {
            "RLIMIT_MSGQUEUE (bytes of queues per user) or the descriptor limit is exhausted; \
             raise `ulimit -q`, or remove stale queues in /dev/mqueue"
                .to_owned()
        }
        Some(libc::ENOSPC) => {
            "too many queues system-wide: raise /proc/sys/fs/mqueue/queues_max, or remove stale \
             queues in /dev/mqueue"
                .to_owned()
        }
        Some(libc::EINVAL) => format!(
            "message size {msg_size} or depth exceeds {MSGSIZE_MAX} ({:?}) or {MSG_MAX} ({:?})",
            read_limit(MSGSIZE_MAX),
            read_limit(MSG_MAX)
        ),
        Some(libc::ENOSYS) => "POSIX message queues are not available in this kernel".to_owned(),
        _ => return io::Error::new(err.kind(), format!("{what}: {err}")),
    };
    io::Error::new(err.kind(), format!("{what}: {err} ({hint})"))
}

impl Transport for PosixMq {
    fn id(&self) -> &'static str {
        "posix-mq"
    }
    fn label(&self) -> &'static str {
        "POSIX mqueue"
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        let name = channel.posix_name("mq");
        let _ = MessageQueue::unlink(&name);
        MessageQueue::create(&name, usable_depth(), channel.msg_size)
            .map_err(|e| explain(e, "mq_open(O_CREAT)", channel.msg_size))
    }
    fn teardown(&self, channel: &Channel) {
        let _ = MessageQueue::unlink(&channel.posix_name("mq"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let q = MessageQueue::open(&channel.posix_name("mq"), false)
            .map_err(|e| explain(e, "mq_open(O_RDONLY)", channel.msg_size))?;
        Ok(Box::new(Rx(q)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        let q = MessageQueue::open(&channel.posix_name("mq"), true)
            .map_err(|e| explain(e, "mq_open(O_WRONLY)", channel.msg_size))?;
        Ok(Box::new(Tx(q)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.receive(buf)
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.send(msg)
    }
}
