//! `lachan scan` (being written).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ScanArgs {}

pub fn run(_args: ScanArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lachan scan` is not available yet")
}

#[derive(clap::Args)]
pub struct BenchYaraArgs {}

pub fn bench_yara(_args: BenchYaraArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`lachan bench yara` is not available yet")
}
