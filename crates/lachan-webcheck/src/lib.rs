//! Web portal checks for Lá Chắn: availability, TLS validity, security headers, exposed
//! sensitive files, directory listings, and signs of compromise — hidden SEO spam links,
//! visible injected spam, cloaking by User-Agent or Referer, JavaScript-injected links,
//! malicious redirects, doorway pages and defacement.
//!
//! Entry points: [`Checker`] (reusable, shares one HTTP client and concurrency limits) with
//! [`Checker::check_site`] / [`Checker::check_sites`], or the one-shot [`check_site`]. The
//! pure analysers ([`page`], [`css`], [`js`], [`spam`], [`detect`], [`exposure`],
//! [`baseline`]) are usable on their own, e.g. by scheduled monitors.
//!
//! Everything is bounded: per-request timeout, per-site time budget, byte limits, page and
//! depth limits, redirect limit, per-site and total concurrency. The checker never follows
//! links off the checked host; redirect targets elsewhere are only judged by name.

pub mod baseline;
pub mod css;
pub mod der;
pub mod detect;
pub mod discover;
pub mod error;
pub mod exposure;
pub mod fetch;
pub mod js;
pub mod options;
pub mod page;
pub mod redirect;
pub mod report;
pub mod site;
pub mod spam;
pub mod text;
pub mod tls;

pub use error::{Error, FetchError};
pub use options::Options;
pub use report::{Finding, Kind, Severity, SiteReport, render_table};
pub use site::{Checker, check_site};
