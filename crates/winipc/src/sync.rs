//! The one place the store algorithm's atomics come from.
//!
//! The store lock and its undo log (`store::txn`) are written against [`Word`], the handful of
//! atomic operations they perform on a shared 32-bit word, instead of naming an atomic type.
//! The real store instantiates them with `std`'s `AtomicU32` over the mapped file (the methods
//! below are `#[inline(always)]` forwards, so the compiled code is the same as calling the
//! atomics directly); the model checks instantiate the *same* code with a word over loom's
//! `AtomicU32` that can also "kill" its thread at any access (`store/loom_tests.rs`).
//! `winipc-ring` switches its atomics with `--cfg loom` instead; here that would change the
//! atomic type of every mapping the crate touches (and of `winipc-ring`'s public types, which
//! this crate passes mapped memory to), so the store's checks are generic instead and run in
//! the ordinary `cargo test` (see `store/loom_tests.rs`).

pub(crate) use std::sync::atomic::Ordering;

/// A shared 32-bit word, as the store's lock and undo log use it.
pub(crate) trait Word {
    /// `AtomicU32::load`.
    fn load(&self, order: Ordering) -> u32;
    /// `AtomicU32::store`.
    fn store(&self, v: u32, order: Ordering);
    /// `AtomicU32::swap`.
    fn swap(&self, v: u32, order: Ordering) -> u32;
    /// `AtomicU32::compare_exchange`.
    fn compare_exchange(
        &self,
        current: u32,
        new: u32,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u32, u32>;
    /// `AtomicU32::fetch_add`.
    fn fetch_add(&self, v: u32, order: Ordering) -> u32;
    /// `atomic::fence` of the same family (loom models its own fences only).
    fn fence(order: Ordering);
}

macro_rules! forward_word {
    ($atomic:ty, $fence:path) => {
        impl Word for $atomic {
            #[inline(always)]
            fn load(&self, order: Ordering) -> u32 {
                <$atomic>::load(self, order)
            }
            #[inline(always)]
            fn store(&self, v: u32, order: Ordering) {
                <$atomic>::store(self, v, order)
            }
            #[inline(always)]
            fn swap(&self, v: u32, order: Ordering) -> u32 {
                <$atomic>::swap(self, v, order)
            }
            #[inline(always)]
            fn compare_exchange(
                &self,
                current: u32,
                new: u32,
                success: Ordering,
                failure: Ordering,
            ) -> Result<u32, u32> {
                <$atomic>::compare_exchange(self, current, new, success, failure)
            }
            #[inline(always)]
            fn fetch_add(&self, v: u32, order: Ordering) -> u32 {
                <$atomic>::fetch_add(self, v, order)
            }
            #[inline(always)]
            fn fence(order: Ordering) {
                $fence(order)
            }
        }
    };
}

forward_word!(std::sync::atomic::AtomicU32, std::sync::atomic::fence);
