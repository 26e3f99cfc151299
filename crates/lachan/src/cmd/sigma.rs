//! `lachan sigma …` (being written).

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum SigmaCommand {}

pub fn run(c: SigmaCommand) -> anyhow::Result<ExitCode> {
    match c {}
}
