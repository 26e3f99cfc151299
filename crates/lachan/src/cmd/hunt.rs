//! `lachan hunt`: sweep EVTX / JSON / syslog files with Sigma rules, and
//! `lachan bench hunt`: measure its throughput.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use lachan_hunt::output::{self, Format};
use lachan_hunt::{HuntOptions, input};
use lachan_sigma::{Detector, Level, Mapping, RuleSet};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OutFormat {
    Table,
    Jsonl,
    Csv,
}

#[derive(clap::Args)]
pub struct HuntArgs {
    /// Files or folders to hunt (.evtx, .json/.jsonl, syslog text)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Folder (or file) of Sigma rules
    #[arg(long, short = 'r')]
    pub rules: PathBuf,
    /// Log-source routing / field mapping file replacing the built-in one
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Output format of detections
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutFormat,
    /// Only report rules of this level or higher (informational, low, medium, high, critical)
    #[arg(long)]
    pub min_level: Option<Level>,
    /// Skip events before this time (RFC 3339)
    #[arg(long)]
    pub from: Option<String>,
    /// Skip events after this time (RFC 3339)
    #[arg(long)]
    pub to: Option<String>,
    /// Do not draw a progress bar
    #[arg(long)]
    pub no_progress: bool,
}

fn load_mapping(path: Option<&PathBuf>) -> anyhow::Result<Mapping> {
    Ok(match path {
        Some(p) => Mapping::from_file(p)?,
        None => Mapping::builtin()?,
    })
}

fn time_arg(s: Option<&String>, name: &str) -> anyhow::Result<Option<lachan_sigma::Timestamp>> {
    s.map(|s| {
        lachan_sigma::parse_time(s).with_context(|| {
            format!("--{name} `{s}`: expected an RFC 3339 time like 2024-01-31T00:00:00Z")
        })
    })
    .transpose()
}

pub fn run(args: HuntArgs) -> anyhow::Result<ExitCode> {
    let mapping = load_mapping(args.mapping.as_ref())?;
    let opts = HuntOptions {
        min_level: args.min_level,
        from: time_arg(args.from.as_ref(), "from")?,
        to: time_arg(args.to.as_ref(), "to")?,
        progress: !args.no_progress,
    };
    let files = input::collect_files(&args.paths)?;
    let mut rules = RuleSet::load_dir(&args.rules)?;
    let det = Detector::new(&rules, &mapping);
    rules.release_detection_rules();
    let mut err = std::io::stderr().lock();
    output::write_rule_summary(&mut err, &rules, &det)?;
    let res = lachan_hunt::hunt(&det, &rules, &files, &opts);
    let format = match args.format {
        OutFormat::Table => Format::Table,
        OutFormat::Jsonl => Format::Jsonl,
        OutFormat::Csv => Format::Csv,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    output::write_hits(&mut out, &det, &res, format)?;
    if matches!(format, Format::Table) {
        writeln!(out)?;
        output::write_summary(&mut out, &det, &res)?;
    } else {
        output::write_summary(&mut err, &det, &res)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct BenchHuntArgs {
    /// Files or folders to hunt
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Folder of Sigma rules
    #[arg(long, short = 'r')]
    pub rules: PathBuf,
    /// Mapping file replacing the built-in one
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Number of hunt runs
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

pub fn bench(args: BenchHuntArgs) -> anyhow::Result<ExitCode> {
    let mapping = load_mapping(args.mapping.as_ref())?;
    let rep = lachan_hunt::bench::run(&args.paths, &args.rules, &mapping, args.runs)?;
    println!(
        "rules: {} loaded in {:.3} s",
        rep.rules,
        rep.load.as_secs_f64()
    );
    for (i, r) in rep.runs.iter().enumerate() {
        println!(
            "run {}: {:.3} s  {} events  {:.0} events/s  {:.1} MB/s  {} detections",
            i + 1,
            r.elapsed.as_secs_f64(),
            r.events,
            r.events_per_sec(),
            r.mb_per_sec(),
            r.hits
        );
    }
    if let Some(best) = rep.runs.iter().min_by_key(|r| r.elapsed) {
        println!(
            "events/s: {:.0}  MB/s: {:.1}  load_s: {:.3}",
            best.events_per_sec(),
            best.mb_per_sec(),
            rep.load.as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
