//! winipc's error type, and the one place where errors map to Win32 error codes.

use std::io;

/// Everything that can go wrong in winipc. Every variant maps to exactly one Win32 error code
/// ([`Error::win32_code`]) and to an [`io::ErrorKind`] when converted to [`io::Error`].
///
/// ```
/// let e = winipc::Error::NotFound;
/// assert_eq!(e.win32_code(), 2); // ERROR_FILE_NOT_FOUND
/// let io: std::io::Error = e.into();
/// assert_eq!(winipc::Error::win32_code_of(&io), 2);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No object or mailslot has that name (ERROR_FILE_NOT_FOUND).
    #[error("no object with that name exists")]
    NotFound,
    /// The name belongs to an object of another kind (ERROR_INVALID_HANDLE, as Win32 reports it).
    #[error("an object of another kind already has that name")]
    WrongKind,
    /// The handle is not open, or not of the kind the call needs (ERROR_INVALID_HANDLE).
    #[error("invalid handle")]
    InvalidHandle,
    /// An argument is out of range (ERROR_INVALID_PARAMETER).
    #[error("invalid parameter: {0}")]
    InvalidParameter(&'static str),
    /// A malformed name (ERROR_INVALID_NAME).
    #[error("invalid name: {0}")]
    InvalidName(&'static str),
    /// A missing name where one is required (ERROR_PATH_NOT_FOUND).
    #[error("no name given")]
    PathNotFound,
    /// A name longer than winipc can store (ERROR_FILENAME_EXCED_RANGE).
    #[error("name too long")]
    NameTooLong,
    /// The caller may not do this (ERROR_ACCESS_DENIED).
    #[error("access denied")]
    AccessDenied,
    /// The name is taken and the call needed a new one (ERROR_ALREADY_EXISTS).
    #[error("already exists")]
    AlreadyExists,
    /// Releasing a mutex the calling thread does not own (ERROR_NOT_OWNER).
    #[error("the calling thread does not own the mutex")]
    NotOwner,
    /// Releasing a semaphore past its maximum (ERROR_TOO_MANY_POSTS).
    #[error("the semaphore cannot be released past its maximum count")]
    TooManyPosts,
    /// A mailslot read found no message within its read timeout (ERROR_SEM_TIMEOUT).
    #[error("no message arrived within the read timeout")]
    SemTimeout,
    /// An operation's own timeout expired (ERROR_TIMEOUT).
    #[error("timed out")]
    Timeout,
    /// The buffer is smaller than the next message, which stays queued (ERROR_INSUFFICIENT_BUFFER).
    #[error("buffer too small: the next message has {needed} bytes")]
    InsufficientBuffer {
        /// Size of the next message.
        needed: usize,
    },
    /// A mailslot message larger than the slot's maximum (ERROR_INVALID_PARAMETER).
    #[error("message of {len} bytes exceeds the mailslot's maximum of {max}")]
    MessageTooLarge {
        /// The message's size.
        len: usize,
        /// The slot's maximum.
        max: usize,
    },
    /// The mailslot's receiver has closed it or died (ERROR_BROKEN_PIPE).
    #[error("the mailslot's receiver is gone")]
    ReceiverGone,
    /// Every write end of a pipe is closed: nothing more can be read (ERROR_BROKEN_PIPE).
    #[error("the pipe's write end is closed")]
    BrokenPipe,
    /// Every read end of a pipe is closed: nothing can be written (ERROR_NO_DATA, "the pipe is
    /// being closed").
    #[error("the pipe's read end is closed")]
    PipeClosing,
    /// Every instance of the named pipe is busy (ERROR_PIPE_BUSY).
    #[error("all pipe instances are busy")]
    PipeBusy,
    /// A client connected before `ConnectNamedPipe` was called (ERROR_PIPE_CONNECTED): the
    /// instance is connected, which Win32 reports as this "error".
    #[error("a client is already connected to the pipe instance")]
    PipeConnected,
    /// The pipe instance waits for a client; nothing can be read or written yet
    /// (ERROR_PIPE_LISTENING).
    #[error("the pipe instance is waiting for a client")]
    PipeListening,
    /// The pipe was disconnected by its server, or the instance has no client
    /// (ERROR_PIPE_NOT_CONNECTED).
    #[error("no process is on the other end of the pipe")]
    PipeNotConnected,
    /// A message-mode read returned part of a message; the rest comes with the next reads
    /// (ERROR_MORE_DATA).
    #[error("more data is available")]
    MoreData,
    /// A non-blocking (`PIPE_NOWAIT`) pipe has nothing to read, or its client came and went
    /// before `ConnectNamedPipe` (ERROR_NO_DATA).
    #[error("no data")]
    NoData,
    /// The pipe is not in the state or mode the call needs, e.g. a transaction on a pipe not in
    /// message-read mode (ERROR_BAD_PIPE).
    #[error("the pipe state is invalid: {0}")]
    BadPipe(&'static str),
    /// The mailslot's memory quota stayed full for the whole write timeout (ERROR_NOT_ENOUGH_QUOTA).
    #[error("the mailslot is full")]
    MailslotFull,
    /// A fixed table is full (ERROR_NOT_ENOUGH_MEMORY).
    #[error("out of resources: {0}")]
    NoResources(&'static str),
    /// Shared memory holds values no correct peer writes (ERROR_FILE_CORRUPT).
    #[error("corrupt shared state: {0}")]
    Corrupt(&'static str),
    /// A remote mailslot name that cannot be reached or a write too big for the network
    /// (ERROR_BAD_NETPATH).
    #[error("bad network path: {0}")]
    BadNetPath(&'static str),
    /// The operation is not supported (ERROR_NOT_SUPPORTED).
    #[error("not supported: {0}")]
    NotSupported(&'static str),
    /// A file mapping of an empty file, or whose file is gone or was replaced
    /// (ERROR_FILE_INVALID).
    #[error("the file mapping's file is empty, gone or replaced")]
    FileInvalid,
    /// A view offset that is not a multiple of the allocation granularity
    /// (ERROR_MAPPED_ALIGNMENT).
    #[error("the view's offset is not a multiple of the allocation granularity")]
    MappedAlignment,
    /// An operating-system error. One without an errno whose kind is `PermissionDenied` is a
    /// location winipc refuses to trust (another user owns it, could replace it, or it is a
    /// symbolic link): ERROR_ACCESS_DENIED, with a message that names the path
    /// ([`Error::unsafe_location`]).
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl Error {
    /// A directory or file winipc would have to trust but does not (ERROR_ACCESS_DENIED); `why`
    /// names the path.
    pub(crate) fn unsafe_location(why: String) -> Error {
        Error::Io(io::Error::new(io::ErrorKind::PermissionDenied, why))
    }
}

/// Win32 error codes used by winipc.
#[allow(missing_docs)]
pub mod code {
    pub const ERROR_SUCCESS: u32 = 0;
    pub const ERROR_FILE_NOT_FOUND: u32 = 2;
    pub const ERROR_PATH_NOT_FOUND: u32 = 3;
    pub const ERROR_ACCESS_DENIED: u32 = 5;
    pub const ERROR_INVALID_HANDLE: u32 = 6;
    pub const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;
    pub const ERROR_NOT_SUPPORTED: u32 = 50;
    pub const ERROR_BAD_NETPATH: u32 = 53;
    pub const ERROR_INVALID_PARAMETER: u32 = 87;
    pub const ERROR_BROKEN_PIPE: u32 = 109;
    pub const ERROR_DISK_FULL: u32 = 112;
    pub const ERROR_SEM_TIMEOUT: u32 = 121;
    pub const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
    pub const ERROR_INVALID_NAME: u32 = 123;
    pub const ERROR_BAD_PIPE: u32 = 230;
    pub const ERROR_PIPE_BUSY: u32 = 231;
    pub const ERROR_NO_DATA: u32 = 232;
    pub const ERROR_PIPE_NOT_CONNECTED: u32 = 233;
    pub const ERROR_MORE_DATA: u32 = 234;
    pub const ERROR_PIPE_CONNECTED: u32 = 535;
    pub const ERROR_PIPE_LISTENING: u32 = 536;
    pub const ERROR_ALREADY_EXISTS: u32 = 183;
    pub const ERROR_FILENAME_EXCED_RANGE: u32 = 206;
    pub const ERROR_FILE_TOO_LARGE: u32 = 223;
    pub const ERROR_NOT_OWNER: u32 = 288;
    pub const ERROR_TOO_MANY_POSTS: u32 = 298;
    pub const ERROR_FILE_CORRUPT: u32 = 1392;
    pub const ERROR_TIMEOUT: u32 = 1460;
    pub const ERROR_NOT_ENOUGH_QUOTA: u32 = 1816;
    pub const ERROR_GEN_FAILURE: u32 = 31;
    pub const ERROR_FILE_INVALID: u32 = 1006;
    pub const ERROR_MAPPED_ALIGNMENT: u32 = 1132;
}

impl Error {
    /// The Win32 error code for this error — the single mapping used by every face of winipc.
    pub fn win32_code(&self) -> u32 {
        use code::*;
        match self {
            Error::NotFound => ERROR_FILE_NOT_FOUND,
            Error::WrongKind | Error::InvalidHandle => ERROR_INVALID_HANDLE,
            Error::InvalidParameter(_) | Error::MessageTooLarge { .. } => ERROR_INVALID_PARAMETER,
            Error::InvalidName(_) => ERROR_INVALID_NAME,
            Error::PathNotFound => ERROR_PATH_NOT_FOUND,
            Error::NameTooLong => ERROR_FILENAME_EXCED_RANGE,
            Error::AccessDenied => ERROR_ACCESS_DENIED,
            Error::AlreadyExists => ERROR_ALREADY_EXISTS,
            Error::NotOwner => ERROR_NOT_OWNER,
            Error::TooManyPosts => ERROR_TOO_MANY_POSTS,
            Error::SemTimeout => ERROR_SEM_TIMEOUT,
            Error::Timeout => ERROR_TIMEOUT,
            Error::InsufficientBuffer { .. } => ERROR_INSUFFICIENT_BUFFER,
            Error::ReceiverGone | Error::BrokenPipe => ERROR_BROKEN_PIPE,
            Error::PipeClosing | Error::NoData => ERROR_NO_DATA,
            Error::PipeBusy => ERROR_PIPE_BUSY,
            Error::PipeConnected => ERROR_PIPE_CONNECTED,
            Error::PipeListening => ERROR_PIPE_LISTENING,
            Error::PipeNotConnected => ERROR_PIPE_NOT_CONNECTED,
            Error::MoreData => ERROR_MORE_DATA,
            Error::BadPipe(_) => ERROR_BAD_PIPE,
            Error::MailslotFull => ERROR_NOT_ENOUGH_QUOTA,
            Error::NoResources(_) => ERROR_NOT_ENOUGH_MEMORY,
            Error::Corrupt(_) => ERROR_FILE_CORRUPT,
            Error::BadNetPath(_) => ERROR_BAD_NETPATH,
            Error::NotSupported(_) => ERROR_NOT_SUPPORTED,
            Error::FileInvalid => ERROR_FILE_INVALID,
            Error::MappedAlignment => ERROR_MAPPED_ALIGNMENT,
            Error::Io(e) => io_code(e),
        }
    }

    /// The Win32 code of an [`io::Error`] returned by winipc (`ERROR_GEN_FAILURE` for foreign
    /// errors without an errno).
    pub fn win32_code_of(e: &io::Error) -> u32 {
        match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
            Some(ours) => ours.win32_code(),
            None => io_code(e),
        }
    }

    /// The winipc error inside an [`io::Error`] returned by winipc, if any.
    pub fn from_io(e: &io::Error) -> Option<&Error> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Error>())
    }

    fn kind(&self) -> io::ErrorKind {
        use io::ErrorKind as K;
        match self {
            Error::NotFound | Error::PathNotFound => K::NotFound,
            Error::AccessDenied => K::PermissionDenied,
            Error::AlreadyExists => K::AlreadyExists,
            Error::Timeout | Error::SemTimeout => K::TimedOut,
            Error::InvalidParameter(_)
            | Error::InvalidName(_)
            | Error::NameTooLong
            | Error::MessageTooLarge { .. }
            | Error::InvalidHandle
            | Error::WrongKind => K::InvalidInput,
            Error::ReceiverGone
            | Error::BrokenPipe
            | Error::PipeClosing
            | Error::PipeNotConnected => K::BrokenPipe,
            Error::PipeBusy => K::ResourceBusy,
            Error::NoData => K::WouldBlock,
            Error::PipeConnected | Error::PipeListening | Error::MoreData | Error::BadPipe(_) => {
                K::Other
            }
            Error::InsufficientBuffer { .. } => K::InvalidInput,
            Error::Corrupt(_) => K::InvalidData,
            Error::NoResources(_) | Error::MailslotFull => K::OutOfMemory,
            Error::NotSupported(_) | Error::BadNetPath(_) => K::Unsupported,
            Error::NotOwner | Error::TooManyPosts => K::Other,
            Error::FileInvalid => K::InvalidData,
            Error::MappedAlignment => K::InvalidInput,
            Error::Io(e) => e.kind(),
        }
    }
}

/// Win32 code for an operating-system error number.
/// An operating-system error's Win32 code: by errno; without one, a file whose contents or
/// size make no sense (`InvalidData`, e.g. a region file truncated to nothing) is corrupt.
fn io_code(e: &io::Error) -> u32 {
    match (e.raw_os_error(), e.kind()) {
        (None, io::ErrorKind::InvalidData) => code::ERROR_FILE_CORRUPT,
        (None, io::ErrorKind::StorageFull) => code::ERROR_DISK_FULL,
        (None, io::ErrorKind::FileTooLarge) => code::ERROR_FILE_TOO_LARGE,
        (None, io::ErrorKind::PermissionDenied) => code::ERROR_ACCESS_DENIED,
        (errno, _) => errno_code(errno),
    }
}

fn errno_code(errno: Option<i32>) -> u32 {
    use code::*;
    match errno {
        Some(1 | 13) => ERROR_ACCESS_DENIED, // EPERM, EACCES
        Some(2) => ERROR_FILE_NOT_FOUND,     // ENOENT
        Some(12) => ERROR_NOT_ENOUGH_MEMORY, // ENOMEM
        Some(27) => ERROR_FILE_TOO_LARGE,    // EFBIG (RLIMIT_FSIZE)
        Some(28) => ERROR_DISK_FULL,         // ENOSPC (a full tmpfs)
        Some(22) => ERROR_INVALID_PARAMETER, // EINVAL
        _ => ERROR_GEN_FAILURE,
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        match e {
            Error::Io(inner) => inner,
            other => io::Error::new(other.kind(), other),
        }
    }
}

/// winipc's internal result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_system_errors_map_by_errno_or_kind() {
        let code = |e: io::Error| Error::Io(e).win32_code();
        assert_eq!(
            code(io::Error::from_raw_os_error(2)),
            code::ERROR_FILE_NOT_FOUND
        );
        assert_eq!(
            code(io::Error::from_raw_os_error(13)),
            code::ERROR_ACCESS_DENIED
        );
        // A region file truncated to nothing cannot be mapped: corrupt, not a general failure.
        assert_eq!(
            code(io::Error::new(io::ErrorKind::InvalidData, "mapping length")),
            code::ERROR_FILE_CORRUPT
        );
        assert_eq!(code(io::Error::other("?")), code::ERROR_GEN_FAILURE);
        assert_eq!(
            code(io::Error::from_raw_os_error(28)),
            code::ERROR_DISK_FULL
        );
        assert_eq!(
            code(io::Error::new(io::ErrorKind::FileTooLarge, "ulimit -f")),
            code::ERROR_FILE_TOO_LARGE
        );
        let ours: io::Error = Error::AlreadyExists.into();
        assert_eq!(Error::win32_code_of(&ours), code::ERROR_ALREADY_EXISTS);
    }
}
