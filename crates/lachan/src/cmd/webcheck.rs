//! `lachan webcheck URL...`: checks web portals for compromise and misconfiguration and
//! prints one report per URL (table or JSON).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use lachan_webcheck::{Checker, Options, render_table};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct WebcheckArgs {
    /// Site root URLs to check (http:// or https://)
    #[arg(required = true)]
    pub urls: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Crawl depth from the home page
    #[arg(long, default_value_t = 2)]
    pub crawl_depth: usize,
    /// Most HTML pages fetched per site
    #[arg(long, default_value_t = 30)]
    pub max_pages: usize,
    /// Per-request timeout in seconds
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Extra trusted root certificate (PEM), e.g. the province CA
    #[arg(long)]
    pub ca_cert: Vec<std::path::PathBuf>,
    /// Time budget per site in seconds (default: 6 × timeout)
    #[arg(long)]
    pub site_budget: Option<f64>,
    /// Concurrent requests over all sites
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Concurrent requests to one site
    #[arg(long, default_value_t = 6)]
    pub per_host: usize,
    /// Sites checked at the same time
    #[arg(long, default_value_t = 16)]
    pub sites: usize,
}

pub fn run(args: WebcheckArgs) -> anyhow::Result<ExitCode> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        anyhow::bail!(
            "--timeout must be between 0 and 3600 seconds, got {}",
            args.timeout
        );
    }
    let mut roots = Vec::new();
    for path in &args.ca_cert {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("reading --ca-cert file {}", path.display()))?;
        if lachan_webcheck::tls::pem_certificates(&pem).is_empty() {
            anyhow::bail!("--ca-cert file {} holds no PEM certificate", path.display());
        }
        roots.push(pem);
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let budget = args.site_budget.unwrap_or(args.timeout * 6.0);
    if !(budget.is_finite() && budget > 0.0 && budget <= 86_400.0) {
        anyhow::bail!("--site-budget must be between 0 and 86400 seconds, got {budget}");
    }
    let opts = Options {
        timeout,
        site_budget: Duration::from_secs_f64(budget),
        crawl_depth: args.crawl_depth,
        max_pages: args.max_pages.max(1),
        total_concurrency: args.concurrency.max(1),
        per_host_concurrency: args.per_host.max(1),
        site_concurrency: args.sites.max(1),
        extra_roots_pem: roots,
        ..Options::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let reports = rt.block_on(async {
        let checker = Checker::new(&opts)?;
        Ok::<_, lachan_webcheck::Error>(checker.check_sites(&args.urls).await)
    })?;
    match args.format {
        Format::Json => {
            let out: Vec<serde_json::Value> = reports
                .iter()
                .map(|r| serde_json::json!({ "url": r.url, "findings": r.findings }))
                .collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Format::Table => print!("{}", render_table(&reports)),
    }
    Ok(ExitCode::SUCCESS)
}
