//! Mailslots (placeholder accounting until the ring lands).

use crate::error::Result;
use crate::store::lock::Guard;

pub(crate) fn on_destroy(_g: &mut Guard<'_>, _ix: u32) -> Result<()> {
    Ok(())
}
pub(crate) fn on_handle_added(_g: &mut Guard<'_>, _ix: u32, _access: u32) -> Result<()> {
    Ok(())
}
pub(crate) fn on_handle_released(_g: &mut Guard<'_>, _ix: u32, _access: u32) -> Result<()> {
    Ok(())
}

/// The wait target for a raw handle.
pub(crate) fn wait_target(h: crate::handles::RawHandle) -> Result<crate::wait::Target> {
    let e = crate::handles::resolve(h)?;
    Ok(crate::wait::Target::Obj(e.obj))
}
