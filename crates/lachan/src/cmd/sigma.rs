//! `lachan sigma …`: Sigma rule tools.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use lachan_sigma::RuleSet;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(clap::Subcommand)]
pub enum SigmaCommand {
    /// Parse and compile every rule under DIR; one line per rule with id, path, status, reason
    Check {
        /// Folder (or file) of Sigma rules
        dir: PathBuf,
        /// Output format: aligned text or one JSON object per line
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
}

pub fn run(c: SigmaCommand) -> anyhow::Result<ExitCode> {
    match c {
        SigmaCommand::Check { dir, format } => check(dir, format),
    }
}

fn check(dir: PathBuf, format: CheckFormat) -> anyhow::Result<ExitCode> {
    let set = RuleSet::load_dir(&dir)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for r in &set.reports {
        match format {
            CheckFormat::Json => {
                let v = serde_json::json!({
                    "id": r.id, "path": r.path.display().to_string(), "title": r.title,
                    "status": r.status.as_str(), "reason": r.reason,
                });
                writeln!(out, "{v}")?;
            }
            CheckFormat::Text => writeln!(
                out,
                "{:<36} {:<11} {} {}",
                if r.id.is_empty() { "-" } else { &r.id },
                r.status.as_str(),
                r.path.display(),
                r.reason
            )?,
        }
    }
    out.flush()?;
    let (ok, unsupported, error) = set.counts();
    let total = set.reports.len().max(1);
    eprintln!(
        "{} rules: {ok} ok ({:.1}%), {unsupported} unsupported, {error} errors",
        set.reports.len(),
        ok as f64 * 100.0 / total as f64
    );
    Ok(ExitCode::SUCCESS)
}
