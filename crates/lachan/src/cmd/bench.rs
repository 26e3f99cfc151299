//! `lachan bench …`: throughput and memory measurements. Each variant's
//! arguments and runner live beside the subcommand it measures.

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum BenchCommand {
    /// Sigma hunt throughput over event-log files
    Hunt(super::hunt::BenchHuntArgs),
    /// YARA scan throughput
    Yara(super::scan::BenchYaraArgs),
    /// Live pipeline: normalise → store → detect → alerts on a generated mixed stream
    Ingest(super::serve::BenchIngestArgs),
}

pub fn run(c: BenchCommand) -> anyhow::Result<ExitCode> {
    match c {
        BenchCommand::Hunt(a) => super::hunt::bench(a),
        BenchCommand::Yara(a) => super::scan::bench_yara(a),
        BenchCommand::Ingest(a) => super::serve::bench_ingest(a),
    }
}
