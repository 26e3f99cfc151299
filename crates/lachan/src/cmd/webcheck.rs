//! `lachan webcheck` (being written).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct WebcheckArgs {}

pub fn run(_args: WebcheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lachan webcheck` is not available yet")
}
