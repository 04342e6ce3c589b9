//! `src/shared-state/lost-updates.md`: a lost update, made safely with an
//! atomic whose read and write are split in two, and the mutex that fixes it.

pub mod forced;
pub mod locked;
pub mod puzzle_locked;
pub mod puzzle_split;
pub mod split;
