//! Interior mutability: a `Cell`-like type built on `UnsafeCell`, changed
//! through shared references.

use std::cell::UnsafeCell;

// ANCHOR: tiny_cell
/// A value you can replace through a shared reference, like std's `Cell`
/// (for `Copy` types only, to keep it short).
pub struct TinyCell<T: Copy> {
    value: UnsafeCell<T>,
}

impl<T: Copy> TinyCell<T> {
    pub const fn new(value: T) -> Self {
        TinyCell { value: UnsafeCell::new(value) }
    }

    /// A copy of the value.
    pub fn get(&self) -> T {
        // SAFETY: no reference into the cell ever leaves this type, and
        // `TinyCell` is not `Sync` (because `UnsafeCell` is not), so no other
        // thread can be inside `set` at this moment.
        unsafe { *self.value.get() }
    }

    /// Replaces the value, through `&self`.
    pub fn set(&self, value: T) {
        // SAFETY: as in `get`: nobody holds a reference into the cell.
        unsafe { *self.value.get() = value }
    }
}
// ANCHOR_END: tiny_cell

// ANCHOR: main
/// A page that counts its visits: `visit` takes `&self`, not `&mut self`.
struct Page {
    title: &'static str,
    visits: TinyCell<u32>,
}

impl Page {
    fn visit(&self) -> &'static str {
        self.visits.set(self.visits.get() + 1);
        self.title
    }
}

pub fn main() {
    let page = Page { title: "Underneath the lock", visits: TinyCell::new(0) };
    let (a, b) = (&page, &page); // two shared references, both used below
    a.visit();
    b.visit();
    println!("{:?} visited {} times", page.visit(), page.visits.get());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_through_a_shared_reference_is_seen_by_every_reference() {
        let cell = TinyCell::new(1);
        let (a, b) = (&cell, &cell);
        a.set(2);
        assert_eq!(b.get(), 2);
        b.set(a.get() * 10);
        assert_eq!(cell.get(), 20);
    }

    #[test]
    fn main_counts_three_visits() {
        let page = Page { title: "t", visits: TinyCell::new(0) };
        page.visit();
        page.visit();
        page.visit();
        assert_eq!(page.visits.get(), 3);
        main();
    }
}
