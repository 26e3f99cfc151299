//! `lachan hunt` (being written).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct HuntArgs {}

pub fn run(_args: HuntArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lachan hunt` is not available yet")
}

#[derive(clap::Args)]
pub struct BenchHuntArgs {}

pub fn bench(_args: BenchHuntArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lachan bench hunt` is not available yet")
}
