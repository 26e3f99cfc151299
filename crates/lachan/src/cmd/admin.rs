//! `lachan admin …`.

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum AdminCommand {}

pub fn run(c: AdminCommand) -> anyhow::Result<ExitCode> {
    match c {}
}
