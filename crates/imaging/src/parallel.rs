//! Two pieces of work side by side: the one way the crate runs work on a second thread
//! (the coder's threads join in through [`beside`] as well). Imports nothing from the rest
//! of the crate.

/// Runs `there` on a second thread while `here` runs on this one; a panic in either is
/// passed on.
pub(crate) fn beside<A: Send, B>(
    there: impl FnOnce() -> A + Send,
    here: impl FnOnce() -> B,
) -> (A, B) {
    std::thread::scope(|scope| {
        let there = scope.spawn(there);
        let here = here();
        let there = there
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (there, here)
    })
}

/// Runs both on two threads when `threads` allows, else one after the other.
pub(crate) fn run_both<A: Send, B>(
    threads: usize,
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (A, B) {
    if threads > 1 {
        beside(first, second)
    } else {
        (first(), second())
    }
}
