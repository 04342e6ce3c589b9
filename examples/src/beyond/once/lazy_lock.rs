//! `LazyLock`: the initialiser is part of the definition.

use std::collections::HashMap;
use std::sync::LazyLock;

// ANCHOR: lazy_lock
/// Initialised on first use, by the closure given here.
static STATUS: LazyLock<HashMap<u16, &str>> =
    LazyLock::new(|| HashMap::from([(200, "OK"), (404, "Not Found")]));

pub fn main() {
    println!("404 is {}", STATUS[&404]);
}
// ANCHOR_END: lazy_lock

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_map_works() {
        assert_eq!(STATUS[&200], "OK");
        assert_eq!(STATUS.get(&500), None);
    }
}
