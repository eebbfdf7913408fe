//! The native `tailor` command (CONTRACT.md §3): each subcommand is a thin
//! call into `tailor::core`.
fn main() {}
