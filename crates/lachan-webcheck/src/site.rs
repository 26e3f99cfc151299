//! Checking one site: home page as a browser, as crawlers and from search engines, a bounded
//! same-site crawl (links, sitemap.xml, robots.txt), site scripts and style sheets, TLS, and
//! probes of well-known sensitive paths. Produces a [`SiteReport`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use futures_util::future::join_all;
use reqwest::Url;
use rustls::RootCertStore;
use tokio::sync::Semaphore;

use crate::detect::{self, SpamLink};
use crate::discover;
use crate::error::{Error, FetchError};
use crate::exposure;
use crate::fetch::{Request, Response, SiteFetcher};
use crate::options::{Options, SEARCH_REFERERS, UA_BROWSER, UA_CRAWLERS};
use crate::page::{self, PageAnalysis};
use crate::redirect::{Destination, classify, is_spam_destination};
use crate::report::{Finding, Kind, SiteReport, TlsSummary};
use crate::spam;
use crate::text::clip;

mod probes;

/// A reusable checker: one HTTP client, one trust store and one global concurrency limit
/// shared by every site it checks. Cheap to clone.
#[derive(Clone)]
pub struct Checker {
    client: reqwest::Client,
    roots: Arc<RootCertStore>,
    global: Arc<Semaphore>,
    opts: Options,
}

impl Checker {
    pub fn new(opts: &Options) -> Result<Self, Error> {
        Ok(Checker {
            client: crate::fetch::build_client(opts)?,
            roots: Arc::new(crate::tls::root_store(&opts.extra_roots_pem)?),
            global: Arc::new(Semaphore::new(opts.total_concurrency.max(1))),
            opts: opts.clone(),
        })
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Checks many sites, at most `site_concurrency` at a time; reports are in input order.
    pub async fn check_sites(&self, urls: &[String]) -> Vec<SiteReport> {
        let sem = Arc::new(Semaphore::new(self.opts.site_concurrency.max(1)));
        let futs = urls.iter().map(|u| {
            let sem = sem.clone();
            async move {
                let _p = sem.acquire().await;
                self.check_site(u).await
            }
        });
        join_all(futs).await
    }

    /// Checks one site. Never fails: problems become findings or notes.
    pub async fn check_site(&self, url: &str) -> SiteReport {
        let start = Instant::now();
        let mut report = SiteReport {
            url: url.to_string(),
            ..SiteReport::default()
        };
        match Url::parse(url.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                let fetcher =
                    SiteFetcher::new(self.client.clone(), self.global.clone(), &self.opts);
                let mut run = SiteRun::new(self, fetcher.clone(), u);
                run.run(&mut report).await;
                report.requests = fetcher.requests();
                if fetcher.out_of_time() {
                    report
                        .notes
                        .push("site time budget exhausted; check is partial".into());
                }
            }
            Ok(u) => report
                .notes
                .push(format!("unsupported URL scheme or host: {u}")),
            Err(e) => report.notes.push(format!("invalid URL {url:?}: {e}")),
        }
        report.elapsed_ms = start.elapsed().as_millis() as u64;
        report
    }
}

/// Checks one site with default options (builds a checker for the call).
pub async fn check_site(url: &str, opts: &Options) -> Result<SiteReport, Error> {
    Ok(Checker::new(opts)?.check_site(url).await)
}

/// An analysed HTML page.
struct Analysed {
    url: Url,
    analysis: PageAnalysis,
}

struct SiteRun<'a> {
    checker: &'a Checker,
    f: SiteFetcher,
    home: Url,
    css_cache: HashMap<Url, Option<String>>,
    js_seen: HashSet<Url>,
}

fn browser() -> Request<'static> {
    Request {
        user_agent: UA_BROWSER,
        referer: None,
        max_bytes: 2 << 20,
        follow_redirects: true,
    }
}

impl<'a> SiteRun<'a> {
    fn new(checker: &'a Checker, f: SiteFetcher, home: Url) -> Self {
        SiteRun {
            checker,
            f,
            home,
            css_cache: HashMap::new(),
            js_seen: HashSet::new(),
        }
    }

    fn page_req(&self) -> Request<'static> {
        Request {
            max_bytes: self.checker.opts.max_page_bytes,
            ..browser()
        }
    }

    async fn run(&mut self, report: &mut SiteReport) {
        let home = self.home.clone();
        let tls_task = (home.scheme() == "https").then(|| {
            let host = home.host_str().unwrap_or("").to_string();
            let port = home.port_or_known_default().unwrap_or(443);
            let roots = self.checker.roots.clone();
            let timeout = self.checker.opts.timeout;
            tokio::spawn(async move { crate::tls::inspect(&host, port, roots, timeout).await })
        });

        let home_resp = self.f.get(&home, self.page_req()).await;
        if let Some(t) = tls_task {
            match t.await {
                Ok(Ok(facts)) => {
                    if !facts.valid {
                        let why = facts.error.clone().unwrap_or_default();
                        report.add(Finding::new(
                            Kind::TlsInvalid,
                            home.as_str(),
                            format!("TLS certificate invalid: {why}"),
                        ));
                    }
                    report.tls = Some(TlsSummary {
                        valid: facts.valid,
                        error: facts.error,
                        days_left: facts.days_left,
                    });
                }
                Ok(Err(e)) => report.notes.push(format!("TLS inspection failed: {e}")),
                Err(e) => report
                    .notes
                    .push(format!("TLS inspection task failed: {e}")),
            }
        }
        let resp = match home_resp {
            Ok(r) => r,
            Err(e) => {
                let detail = match &e {
                    FetchError::Timeout(_) => format!(
                        "home page: no response within {} s",
                        self.checker.opts.timeout.as_secs()
                    ),
                    other => format!("home page: {other}"),
                };
                report.add(Finding::new(Kind::SiteUnavailable, home.as_str(), detail));
                return;
            }
        };
        if resp.status >= 500 {
            report.add(Finding::new(
                Kind::SiteUnavailable,
                resp.url.as_str(),
                format!("home page answered HTTP {}", resp.status),
            ));
            return;
        }
        if let Some(target) = &resp.offsite {
            let d = classify(&resp.url, target);
            if is_spam_destination(&d) {
                report.add(Finding::new(
                    Kind::MaliciousRedirect,
                    resp.url.as_str(),
                    format!(
                        "HTTP {} redirect of the home page to {target} ({})",
                        resp.status,
                        dest_terms(&d)
                    ),
                ));
            }
        }
        if resp.is_html() && resp.status < 400 {
            let present =
                exposure::present_security_headers(&resp.headers, resp.url.scheme() == "https");
            if present.is_empty() {
                report.add(Finding::new(
                    Kind::MissingSecurityHeaders,
                    resp.url.as_str(),
                    format!(
                        "none of {} sent",
                        exposure::security_headers(resp.url.scheme() == "https").join(", ")
                    ),
                ));
            }
        }

        let home_page = self.analyse(&resp).await;
        // Variants, discovery and probes run together.
        let variants = self.variants(&home, home_page.as_ref(), resp.offsite.as_ref(), report);
        let discovery = self.discover_urls(&home);
        let probes = self.probe_exposures(&home);
        let (_, discovered, exposures) = tokio::join!(variants, discovery, probes);
        for f in exposures {
            report.add(f);
        }

        let mut pages: Vec<Analysed> = Vec::new();
        if let Some(p) = home_page {
            pages.push(p);
        }
        self.crawl(&mut pages, discovered, report).await;
        self.judge_pages(&pages, report).await;
        self.listings(&pages, report).await;
        report.pages = pages.iter().map(|p| p.url.to_string()).collect();
        report.findings.sort_by_key(|f| f.kind);
    }

    /// Fetches style sheets and analyses an HTML response.
    async fn analyse(&mut self, resp: &Response) -> Option<Analysed> {
        if !resp.is_html() || resp.status >= 400 || resp.offsite.is_some() {
            return None;
        }
        let text = resp.text();
        let sheets = page::stylesheet_urls(&text, &resp.url);
        let mut css = Vec::new();
        for s in sheets.into_iter().take(6) {
            if !discover::same_site(&self.home, &s) {
                continue;
            }
            if !self.css_cache.contains_key(&s) {
                let body = match self.f.get(&s, self.page_req()).await {
                    Ok(r) if r.status == 200 && !r.is_html() => Some(r.text()),
                    _ => None,
                };
                self.css_cache.insert(s.clone(), body);
            }
            if let Some(Some(t)) = self.css_cache.get(&s) {
                css.push(t.clone());
            }
        }
        let analysis = page::analyze(&text, &resp.url, &css);
        Some(Analysed {
            url: resp.url.clone(),
            analysis,
        })
    }

    /// Compares the home page seen by crawlers and by search visitors with the browser view.
    async fn variants(
        &self,
        home: &Url,
        base: Option<&Analysed>,
        base_offsite: Option<&Url>,
        report: &mut SiteReport,
    ) {
        let base_spam: HashSet<String> = base
            .map(|b| {
                detect::spam_links(&b.analysis, &b.url)
                    .into_iter()
                    .map(|l| l.url)
                    .collect()
            })
            .unwrap_or_default();
        let base_text_terms: HashSet<&str> = base
            .map(|b| {
                // Hidden text counts too: only what the variant adds is of interest.
                let hidden: Vec<&str> = b
                    .analysis
                    .hidden_blocks
                    .iter()
                    .map(|h| h.text.as_str())
                    .collect();
                spam::score_text(&format!("{} {}", b.analysis.visible_text, hidden.join(" ")))
                    .terms
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        // The home page's style sheets, so that both views are judged alike.
        let css: Vec<String> = base
            .map(|b| {
                b.analysis
                    .stylesheet_urls
                    .iter()
                    .filter_map(|u| self.css_cache.get(u).cloned().flatten())
                    .collect()
            })
            .unwrap_or_default();
        let mut reqs: Vec<(Kind, String, Request<'static>)> = Vec::new();
        for (name, ua) in UA_CRAWLERS {
            reqs.push((
                Kind::CloakingUserAgent,
                format!("User-Agent {name}"),
                Request {
                    user_agent: ua,
                    ..self.page_req()
                },
            ));
        }
        for r in SEARCH_REFERERS {
            reqs.push((
                Kind::CloakingReferer,
                format!("Referer {r}"),
                Request {
                    referer: Some(r),
                    ..self.page_req()
                },
            ));
        }
        let futs = reqs.iter().map(|(_, _, req)| self.f.get(home, *req));
        let results = join_all(futs).await;
        for ((kind, label, _), res) in reqs.iter().zip(results) {
            if report.has(*kind) {
                continue;
            }
            let Ok(resp) = res else { continue };
            if let Some(target) = &resp.offsite {
                let d = classify(&resp.url, target);
                // Only a redirect that a direct browser visit does not get is cloaking.
                let same_as_browser =
                    base_offsite.is_some_and(|b| b.host_str() == target.host_str());
                if matches!(d, Destination::External { .. }) && !same_as_browser {
                    report.add(Finding::new(
                        *kind,
                        home.as_str(),
                        format!("with {label} the home page answers HTTP {} redirect to {target}; a direct browser visit gets HTTP 200", resp.status),
                    ));
                    if *kind == Kind::CloakingReferer || is_spam_destination(&d) {
                        report.add(Finding::new(
                            Kind::MaliciousRedirect,
                            home.as_str(),
                            format!(
                                "visitors with {label} are redirected to {target} ({})",
                                dest_terms(&d)
                            ),
                        ));
                    }
                }
                continue;
            }
            if !resp.is_html() || resp.status >= 400 {
                continue;
            }
            let text = resp.text();
            let a = page::analyze(&text, &resp.url, &css);
            let new_links: Vec<SpamLink> = detect::spam_links(&a, &resp.url)
                .into_iter()
                .filter(|l| !base_spam.contains(&l.url))
                .collect();
            let score = spam::score_text(&a.visible_text);
            let new_terms: Vec<&str> = score
                .terms
                .iter()
                .copied()
                .filter(|t| !base_text_terms.contains(t))
                .collect();
            let new_score = spam::score_text(&new_terms.join(" "));
            // Redirects in the variant page (meta refresh or inline script) that the browser
            // view does not have.
            let base_targets: HashSet<String> = base
                .map(|b| page_redirects(&b.analysis, &b.url))
                .unwrap_or_default()
                .into_iter()
                .collect();
            let refresh_spam = page_redirects(&a, &resp.url)
                .into_iter()
                .find(|t| !base_targets.contains(t));
            let detail = if !new_links.is_empty() {
                Some(format!(
                    "with {label} the home page carries spam links a browser does not get: {}",
                    new_links
                        .iter()
                        .take(4)
                        .map(SpamLink::describe)
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            } else if new_score.is_strong() && !spam::is_enforcement_context(&a.visible_text) {
                Some(format!(
                    "with {label} the home page shows spam text a browser does not get (title \"{}\", terms {})",
                    clip(&a.title, 80),
                    new_terms.join(", ")
                ))
            } else {
                refresh_spam
                    .as_ref()
                    .map(|t| format!("with {label} the page sends the visitor to {t}"))
            };
            if let Some(d) = detail {
                report.add(Finding::new(*kind, home.as_str(), d));
            }
            if let Some(t) = refresh_spam
                && *kind == Kind::CloakingReferer
            {
                report.add(Finding::new(
                    Kind::MaliciousRedirect,
                    home.as_str(),
                    format!("visitors with {label} are sent to {t}"),
                ));
            }
        }
    }

    /// Same-site URLs from robots.txt and sitemaps (sitemap indexes followed one level).
    async fn discover_urls(&self, home: &Url) -> Vec<Url> {
        let mut out: Vec<Url> = Vec::new();
        let mut sitemaps: Vec<Url> = Vec::new();
        let small = Request {
            max_bytes: 512 << 10,
            ..browser()
        };
        if let Ok(robots_url) = home.join("/robots.txt")
            && let Ok(r) = self.f.get(&robots_url, small).await
            && r.status == 200
            && !r.is_html()
        {
            let robots = discover::parse_robots(&r.text(), home);
            sitemaps.extend(robots.sitemaps);
            out.extend(robots.paths);
        }
        if let Ok(s) = home.join("/sitemap.xml")
            && !sitemaps.contains(&s)
        {
            sitemaps.push(s);
        }
        let mut fetched = 0;
        while let Some(sm) = sitemaps.pop() {
            if fetched >= 4 {
                break;
            }
            fetched += 1;
            let Ok(r) = self
                .f
                .get(
                    &sm,
                    Request {
                        max_bytes: 4 << 20,
                        ..browser()
                    },
                )
                .await
            else {
                continue;
            };
            if r.status != 200 {
                continue;
            }
            let (locs, is_index) = discover::parse_sitemap(&r.text(), home);
            if is_index {
                sitemaps.extend(locs.into_iter().take(4));
            } else {
                out.extend(locs);
            }
        }
        out
    }

    /// Breadth-first crawl from the home page and discovered URLs, bounded by depth and pages.
    async fn crawl(
        &mut self,
        pages: &mut Vec<Analysed>,
        discovered: Vec<Url>,
        report: &mut SiteReport,
    ) {
        let opts = &self.checker.opts;
        let mut seen: HashSet<Url> = pages.iter().map(|p| discover::normalise(&p.url)).collect();
        seen.insert(discover::normalise(&self.home));
        let mut frontier: Vec<Url> = Vec::new();
        // Discovered URLs first that the home page does not link to (those are suspect).
        let home_links: HashSet<Url> = pages
            .first()
            .map(|p| {
                p.analysis
                    .links
                    .iter()
                    .filter_map(|l| l.url.as_ref().map(discover::normalise))
                    .collect()
            })
            .unwrap_or_default();
        let (unlinked, linked): (Vec<Url>, Vec<Url>) = discovered
            .into_iter()
            .partition(|u| !home_links.contains(&discover::normalise(u)));
        for u in unlinked
            .into_iter()
            .chain(home_links_vec(pages))
            .chain(linked)
        {
            let n = discover::normalise(&u);
            if discover::same_site(&self.home, &n)
                && !discover::is_non_page(&n)
                && seen.insert(n.clone())
            {
                frontier.push(n);
            }
        }
        let mut depth = 1;
        while !frontier.is_empty()
            && depth <= opts.crawl_depth.max(1)
            && pages.len() < opts.max_pages
        {
            let room = opts.max_pages - pages.len();
            let batch: Vec<Url> = frontier.drain(..frontier.len().min(room)).collect();
            frontier.clear();
            let req = self.page_req();
            let results = join_all(batch.iter().map(|u| self.f.get(u, req))).await;
            let mut next: Vec<Url> = Vec::new();
            for (u, res) in batch.iter().zip(results) {
                let resp = match res {
                    Ok(r) => r,
                    Err(FetchError::Budget) => break,
                    Err(e) => {
                        report.notes.push(format!("{u}: {e}"));
                        continue;
                    }
                };
                if let Some(target) = &resp.offsite {
                    let d = classify(&resp.url, target);
                    if is_spam_destination(&d) {
                        report.add(Finding::new(
                            Kind::MaliciousRedirect,
                            resp.url.as_str(),
                            format!(
                                "HTTP {} redirect to {target} ({})",
                                resp.status,
                                dest_terms(&d)
                            ),
                        ));
                    }
                    continue;
                }
                if let Some(p) = self.analyse(&resp).await {
                    for l in &p.analysis.links {
                        if let Some(t) = &l.url {
                            let n = discover::normalise(t);
                            if discover::same_site(&self.home, &n)
                                && !discover::is_non_page(&n)
                                && seen.insert(n.clone())
                            {
                                next.push(n);
                            }
                        }
                    }
                    pages.push(p);
                }
            }
            frontier = next;
            depth += 1;
        }
    }

    /// Runs the page detectors and the script analysis over the crawled pages.
    async fn judge_pages(&mut self, pages: &[Analysed], report: &mut SiteReport) {
        let mut doorway_urls: HashSet<Url> = HashSet::new();
        for (i, p) in pages.iter().enumerate() {
            if i > 0
                && discover::normalise(&p.url) != discover::normalise(&self.home)
                && let Some(d) = detect::doorway(&p.analysis, &p.url)
            {
                doorway_urls.insert(p.url.clone());
                report.add(Finding::new(Kind::DoorwayPage, p.url.as_str(), d));
            }
        }
        for p in pages.iter().filter(|p| !doorway_urls.contains(&p.url)) {
            if !report.has(Kind::SeoSpamHiddenLinks)
                && let Some(d) = detect::hidden_spam(&p.analysis, &p.url)
            {
                report.add(Finding::new(Kind::SeoSpamHiddenLinks, p.url.as_str(), d));
            }
            if !report.has(Kind::SpamInjectedContent)
                && let Some(d) = detect::visible_spam(&p.analysis, &p.url)
            {
                report.add(Finding::new(Kind::SpamInjectedContent, p.url.as_str(), d));
            }
            if !report.has(Kind::Defacement)
                && let Some(d) = detect::defacement(&p.analysis)
            {
                report.add(Finding::new(Kind::Defacement, p.url.as_str(), d));
            }
            if let Some(t) = &p.analysis.meta_refresh
                && let Ok(target) = p.url.join(t)
            {
                let d = classify(&p.url, &target);
                if is_spam_destination(&d) {
                    report.add(Finding::new(
                        Kind::MaliciousRedirect,
                        p.url.as_str(),
                        format!("meta refresh to {target} ({})", dest_terms(&d)),
                    ));
                }
            }
        }
        // Scripts: inline ones per page, site scripts once.
        let mut scripts: Vec<(Url, String)> = Vec::new();
        for p in pages.iter().filter(|p| !doorway_urls.contains(&p.url)) {
            for s in &p.analysis.inline_scripts {
                if !scripts.iter().any(|(_, t)| t == s) {
                    scripts.push((p.url.clone(), s.clone()));
                }
            }
        }
        let mut to_fetch: Vec<(Url, Url)> = Vec::new();
        for p in pages.iter().filter(|p| !doorway_urls.contains(&p.url)) {
            for s in &p.analysis.script_urls {
                if discover::same_site(&self.home, s)
                    && self.js_seen.insert(s.clone())
                    && to_fetch.len() < 12
                {
                    to_fetch.push((s.clone(), p.url.clone()));
                }
            }
        }
        let req = self.page_req();
        let results = join_all(to_fetch.iter().map(|(u, _)| self.f.get(u, req))).await;
        for ((u, _), res) in to_fetch.iter().zip(results) {
            if let Ok(r) = res
                && r.status == 200
                && !r.is_html()
            {
                scripts.push((u.clone(), r.text()));
            }
        }
        for (src_url, code) in &scripts {
            let js = crate::js::analyze(code);
            let page_url = &self.home;
            let links = detect::js_spam_links(&js, page_url);
            if !links.is_empty() && !report.has(Kind::JsInjectedLinks) {
                report.add(Finding::new(
                    Kind::JsInjectedLinks,
                    src_url.as_str(),
                    format!(
                        "script inserts spam links{}: {}",
                        if js.obfuscated { " (obfuscated)" } else { "" },
                        links
                            .iter()
                            .take(4)
                            .map(SpamLink::describe)
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                ));
            }
            for (target, d) in detect::js_redirects(&js, page_url) {
                // Legitimate sites do not send visitors off-site depending on where they came
                // from, nor hide where they send them.
                let referrer = js.reads_referrer;
                if referrer {
                    report.add(Finding::new(
                        Kind::CloakingReferer,
                        src_url.as_str(),
                        format!("script reads document.referrer and sends search-engine visitors to {target}"),
                    ));
                }
                if referrer || js.obfuscated || is_spam_destination(&d) {
                    report.add(Finding::new(
                        Kind::MaliciousRedirect,
                        src_url.as_str(),
                        format!("script changes location to {target} ({})", dest_terms(&d)),
                    ));
                }
            }
        }
    }
}

/// External targets a page sends visitors to by meta refresh or inline script.
fn page_redirects(a: &PageAnalysis, url: &Url) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let refresh = a.meta_refresh.as_ref().and_then(|t| url.join(t).ok());
    let scripts = a.inline_scripts.iter().flat_map(|s| {
        detect::js_redirects(&crate::js::analyze(s), url)
            .into_iter()
            .map(|(u, _)| u)
    });
    for t in refresh.into_iter().chain(scripts) {
        if matches!(classify(url, &t), Destination::External { .. })
            && !out.contains(&t.to_string())
        {
            out.push(t.to_string());
        }
    }
    out
}

fn home_links_vec(pages: &[Analysed]) -> Vec<Url> {
    pages
        .first()
        .map(|p| {
            p.analysis
                .links
                .iter()
                .filter_map(|l| l.url.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn dest_terms(d: &Destination) -> String {
    match d {
        Destination::External {
            host, spam_terms, ..
        } if !spam_terms.is_empty() => {
            format!(
                "external host {host}; spam terms: {}",
                spam_terms.join(", ")
            )
        }
        Destination::External { host, .. } => format!("external host {host}"),
        other => format!("{other:?}"),
    }
}

fn first_line(body: &[u8]) -> String {
    clip(
        String::from_utf8_lossy(&body[..body.len().min(200)])
            .lines()
            .next()
            .unwrap_or(""),
        100,
    )
}

fn env_keys(body: &[u8]) -> String {
    let t = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
    t.lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
        .take(6)
        .collect::<Vec<_>>()
        .join(", ")
}
