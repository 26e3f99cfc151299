//! Probes of well-known sensitive paths and directory indexes for one site.

use futures_util::future::join_all;
use reqwest::Url;

use super::{Analysed, SiteRun, browser, env_keys, first_line};
use crate::discover;
use crate::exposure;
use crate::fetch::Request;
use crate::report::{Finding, Kind, SiteReport};
use crate::text::clip;

impl SiteRun<'_> {
    /// Probes well-known sensitive paths.
    pub(super) async fn probe_exposures(&self, home: &Url) -> Vec<Finding> {
        if !self.checker.opts.probe_exposures {
            return Vec::new();
        }
        let req = Request {
            max_bytes: self.checker.opts.max_probe_bytes,
            follow_redirects: false,
            ..browser()
        };
        let urls: Vec<(Url, Kind)> = exposure::PROBES
            .iter()
            .filter_map(|(p, k)| home.join(p).ok().map(|u| (u, *k)))
            .collect();
        let results = join_all(urls.iter().map(|(u, _)| self.f.get(u, req))).await;
        let mut out: Vec<Finding> = Vec::new();
        for ((u, kind), res) in urls.iter().zip(results) {
            let Ok(r) = res else { continue };
            if r.status != 200 || out.iter().any(|f| f.kind == *kind) {
                continue;
            }
            let detail = match kind {
                Kind::ExposedGit => exposure::is_git_metadata(u.path(), &r.body)
                    .then(|| format!("Git metadata readable: {}", first_line(&r.body))),
                Kind::ExposedEnv => exposure::is_env_file(&r.body)
                    .then(|| format!("environment file readable (keys: {})", env_keys(&r.body))),
                Kind::ExposedBackup => exposure::backup_format(&r.body)
                    .map(|f| format!("{f} downloadable ({} bytes read)", r.body.len())),
                Kind::ExposedPhpinfo => {
                    exposure::is_phpinfo(&r.body).then(|| "phpinfo() page reachable".to_string())
                }
                _ => None,
            };
            if let Some(d) = detail {
                out.push(Finding::new(*kind, u.as_str(), d));
            }
        }
        out
    }

    /// Directory listings: well-known folders and the folders of crawled resources.
    pub(super) async fn listings(&self, pages: &[Analysed], report: &mut SiteReport) {
        let mut dirs: Vec<Url> = exposure::LISTING_DIRS
            .iter()
            .filter_map(|d| self.home.join(d).ok())
            .collect();
        for p in pages {
            let resources = p
                .analysis
                .links
                .iter()
                .filter_map(|l| l.url.clone())
                .chain(p.analysis.script_urls.iter().cloned())
                .chain(p.analysis.stylesheet_urls.iter().cloned());
            for u in resources {
                if !discover::same_site(&self.home, &u) || !discover::is_non_page(&u) {
                    continue;
                }
                if let Ok(d) = u.join("./")
                    && d.path() != "/"
                    && !dirs.contains(&d)
                    && dirs.len() < 20
                {
                    dirs.push(d);
                }
            }
        }
        let req = Request {
            max_bytes: 256 << 10,
            follow_redirects: false,
            ..browser()
        };
        let results = join_all(dirs.iter().map(|u| self.f.get(u, req))).await;
        let mut backups: Vec<Url> = Vec::new();
        for (u, res) in dirs.iter().zip(results) {
            if let Ok(r) = res
                && r.status == 200
                && let Some(style) = exposure::directory_listing_style(&r.body)
            {
                let entries = exposure::listing_entries(&r.body);
                report.add(Finding::new(
                    Kind::DirectoryListing,
                    u.as_str(),
                    format!(
                        "{style}-style auto-generated directory index listing {} entries ({})",
                        entries.len(),
                        clip(&entries.join(", "), 120)
                    ),
                ));
                for e in entries.iter().filter(|e| exposure::backup_like_name(e)) {
                    if let Ok(b) = u.join(e)
                        && backups.len() < 4
                    {
                        backups.push(b);
                    }
                }
            }
        }
        if report.has(Kind::ExposedBackup) || backups.is_empty() {
            return;
        }
        // Backup archives named in an index: confirm by content.
        let req = Request {
            max_bytes: self.checker.opts.max_probe_bytes,
            ..req
        };
        let results = join_all(backups.iter().map(|u| self.f.get(u, req))).await;
        for (u, res) in backups.iter().zip(results) {
            if let Ok(r) = res
                && r.status == 200
                && let Some(fmt) = exposure::backup_format(&r.body)
            {
                report.add(Finding::new(
                    Kind::ExposedBackup,
                    u.as_str(),
                    format!("{fmt} downloadable, listed in a directory index"),
                ));
                break;
            }
        }
    }
}
