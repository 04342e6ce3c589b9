//! Asking the compiler which types are `Send` and `Sync`: each call below
//! compiles only if the bound holds, so this program is a list of facts that
//! the build checks.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, Mutex, MutexGuard};

// ANCHOR: markers
fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}

pub fn main() {
    // Plain data and `Arc` of it: both.
    is_send::<Vec<i32>>();
    is_sync::<Vec<i32>>();
    is_send::<Arc<Vec<i32>>>();
    is_sync::<Arc<Vec<i32>>>();

    // `Cell` and `RefCell` may move to another thread, but not be shared.
    is_send::<RefCell<i32>>();
    is_send::<Cell<i32>>();
    // is_sync::<RefCell<i32>>(); // error[E0277]

    // A mutex turns "may move" into "may be shared": it needs only `T: Send`.
    is_sync::<Mutex<RefCell<i32>>>();
    is_sync::<Mutex<Cell<i32>>>();

    // The guard may be shared (if `T: Sync`) but never sent.
    is_sync::<MutexGuard<'static, i32>>();
    // is_send::<MutexGuard<'static, i32>>(); // error[E0277]

    println!("every bound above holds");
}
// ANCHOR_END: markers
