//! What the end of a thread or a process means to winipc's objects: the reaping semantics the
//! store asks for through [`store::Layers`] (decision 0008's "store as a bottom layer").
//!
//! The store finds the dead and frees their slots; this module, above objects, waits and
//! handles, says what goes with them, as Win32 does when a thread or process ends:
//! - a thread's mutexes become *abandoned* (the next owner's wait returns `WAIT_ABANDONED`)
//!   and its pending wait is cancelled;
//! - a process's thread objects are signaled with [`KILLED_EXIT_CODE`] and every handle it
//!   still held is closed — freeing objects, names and mailslots whose last handle it was.
//!
//! The same code runs for a thread retiring normally at exit, for a dead thread or process
//! found by anyone's lock, and for `TerminateProcess`.

use crate::error::Result;
use crate::store::lock::Guard;
use crate::store::{self, Store, StoreId};
use crate::{handles, machine_names, objects, wait};

/// Exit code reported for winipc threads whose process died under them.
pub(crate) const KILLED_EXIT_CODE: u32 = 1;

/// The reaping semantics, as the store sees them.
pub(crate) struct Reaper;

impl store::Layers for Reaper {
    fn thread_gone(&self, g: &mut Guard<'_>, t: u32) -> Result<()> {
        objects::abandon_owned(g, t)?;
        wait::cancel(g, t)
    }

    fn process_gone(&self, g: &mut Guard<'_>, p: u32) -> Result<()> {
        objects::finish_thread_objects(g, p, KILLED_EXIT_CODE)
    }

    fn close_handle(&self, g: &mut Guard<'_>, p: u32, h: u32) -> Result<()> {
        handles::release_entry(g, p, h)
    }

    fn inherited(&self, id: StoreId) {
        // The other stores may hold some of the inherited handles' objects: register there
        // first, so that every handle is in place before the names are taken over.
        for other in StoreId::all() {
            if other != id && std::env::var_os(store::registry::inherit_var(other)).is_some() {
                let _ = Store::get(other).and_then(|s| s.me());
            }
        }
        machine_names::adopt_inherited();
    }
}
