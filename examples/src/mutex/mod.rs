//! Part 1, chapter 2: `Mutex<T>`.

pub mod guards;
pub mod poisoning;
pub mod sharing;
