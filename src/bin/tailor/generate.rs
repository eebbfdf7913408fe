//! `tailor generate` (being built; see the issue that owns it).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> ExitCode {
    eprintln!("tailor generate: not built yet");
    ExitCode::FAILURE
}
