//! `src/beyond/parking-lot.md`: parking_lot, arc-swap.

pub mod arc_swap;
pub mod no_poison;
pub mod sizes;
