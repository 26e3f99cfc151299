//! Exposed sensitive files and server misconfiguration, judged by content (never by status
//! alone, so soft-404 pages that answer 200 with HTML are not exposures): Git metadata,
//! environment files, backup archives and database dumps, phpinfo pages, auto-generated
//! directory indexes, and missing security headers.

use crate::report::Kind;

/// Well-known paths probed on every site, with the kind each can reveal.
pub const PROBES: &[(&str, Kind)] = &[
    ("/.git/HEAD", Kind::ExposedGit),
    ("/.git/config", Kind::ExposedGit),
    ("/.env", Kind::ExposedEnv),
    ("/.env.local", Kind::ExposedEnv),
    ("/.env.production", Kind::ExposedEnv),
    ("/.env.bak", Kind::ExposedEnv),
    ("/.env.backup", Kind::ExposedEnv),
    ("/.env.old", Kind::ExposedEnv),
    ("/phpinfo.php", Kind::ExposedPhpinfo),
    ("/info.php", Kind::ExposedPhpinfo),
    ("/php_info.php", Kind::ExposedPhpinfo),
    ("/test.php", Kind::ExposedPhpinfo),
    ("/pi.php", Kind::ExposedPhpinfo),
    ("/php-info.php", Kind::ExposedPhpinfo),
    ("/phpinfo", Kind::ExposedPhpinfo),
    ("/backup.sql", Kind::ExposedBackup),
    ("/backup.zip", Kind::ExposedBackup),
    ("/backup.tar.gz", Kind::ExposedBackup),
    ("/backup.sql.gz", Kind::ExposedBackup),
    ("/db.sql", Kind::ExposedBackup),
    ("/database.sql", Kind::ExposedBackup),
    ("/dump.sql", Kind::ExposedBackup),
    ("/site.zip", Kind::ExposedBackup),
    ("/www.zip", Kind::ExposedBackup),
    ("/web.zip", Kind::ExposedBackup),
    ("/html.zip", Kind::ExposedBackup),
    ("/public_html.zip", Kind::ExposedBackup),
    ("/backup.rar", Kind::ExposedBackup),
    ("/backup.bak", Kind::ExposedBackup),
    ("/backup.tgz", Kind::ExposedBackup),
    ("/site.tar.gz", Kind::ExposedBackup),
    ("/www.tar.gz", Kind::ExposedBackup),
    ("/db_backup.sql", Kind::ExposedBackup),
    ("/backup/backup.sql", Kind::ExposedBackup),
    ("/backup/db.sql", Kind::ExposedBackup),
    ("/data.sql", Kind::ExposedBackup),
    ("/configuration.php.bak", Kind::ExposedBackup),
    ("/wp-config.php.bak", Kind::ExposedBackup),
];

/// File names in a directory index that look like site or database backups.
pub fn backup_like_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const EXT: &[&str] = &[
        ".sql", ".sql.gz", ".zip", ".tar.gz", ".tgz", ".tar", ".rar", ".7z", ".bak", ".gz", ".dump",
    ];
    const HINT: &[&str] = &[
        "backup", "bak", "dump", "db", "database", "site", "www", "web", "html", "source", "full",
        "sql",
    ];
    EXT.iter().any(|e| n.ends_with(e))
        && (n.ends_with(".sql")
            || n.ends_with(".sql.gz")
            || n.ends_with(".bak")
            || n.ends_with(".dump")
            || HINT.iter().any(|h| n.contains(h)))
}

/// Links of a directory index (file names relative to it).
pub fn listing_entries(body: &[u8]) -> Vec<String> {
    let t = text_prefix(body, 262_144);
    let mut out = Vec::new();
    let lower = t.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut offset = 0;
    while let Some(i) = rest.find("href=\"") {
        let start = offset + i + 6;
        let Some(end) = t.get(start..).and_then(|r| r.find('"')) else {
            break;
        };
        let href = &t[start..start + end];
        let name = href
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(href);
        if !href.starts_with('?') && !href.contains("://") && !name.is_empty() && name != ".." {
            let dir = if href.ends_with('/') { "/" } else { "" };
            out.push(format!("{name}{dir}"));
        }
        offset = start + end;
        rest = &lower[offset..];
    }
    out
}

/// Directories probed for auto-generated indexes (more come from the crawl).
pub const LISTING_DIRS: &[&str] = &[
    "/uploads/",
    "/upload/",
    "/images/",
    "/files/",
    "/backup/",
    "/backups/",
    "/media/",
    "/wp-content/uploads/",
    "/data/",
    "/tmp/",
];

fn looks_html(body: &[u8]) -> bool {
    let head: String = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<!doctype")
        || t.starts_with("<html")
        || t.starts_with("<head")
        || t.starts_with("<body")
        || t.contains("<html")
        || t.contains("<body")
}

fn text_prefix(body: &[u8], n: usize) -> String {
    String::from_utf8_lossy(&body[..body.len().min(n)]).into_owned()
}

/// `.git/HEAD` holds a ref or a commit id; `.git/config` a `[core]` section.
pub fn is_git_metadata(path: &str, body: &[u8]) -> bool {
    if looks_html(body) {
        return false;
    }
    let t = text_prefix(body, 4096);
    let t = t.trim();
    if path.ends_with("HEAD") {
        return t.starts_with("ref: refs/")
            || (t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit()));
    }
    t.contains("[core]") && (t.contains("repositoryformatversion") || t.contains("bare ="))
}

/// An env file: at least two `KEY=value` lines and no HTML.
pub fn is_env_file(body: &[u8]) -> bool {
    if looks_html(body) {
        return false;
    }
    let t = text_prefix(body, 16_384);
    let assignments = t
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            l.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    && k.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            })
        })
        .count();
    assignments >= 2
}

/// A backup archive or database dump, by magic bytes or dump text.
pub fn backup_format(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"PK\x03\x04") || body.starts_with(b"PK\x05\x06") {
        return Some("ZIP archive");
    }
    if body.starts_with(&[0x1f, 0x8b]) {
        return Some("gzip archive");
    }
    if body.starts_with(b"BZh") {
        return Some("bzip2 archive");
    }
    if body.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Some("7z archive");
    }
    if body.starts_with(b"Rar!") {
        return Some("RAR archive");
    }
    if body.len() > 262 && &body[257..262] == b"ustar" {
        return Some("tar archive");
    }
    if looks_html(body) {
        return None;
    }
    let t = text_prefix(body, 65_536);
    let lower = t.to_ascii_lowercase();
    if lower.contains("-- mysql dump")
        || lower.contains("postgresql database dump")
        || lower.contains("-- phpmyadmin sql dump")
        || ((lower.contains("create table") || lower.contains("insert into"))
            && (lower.contains(';') || lower.contains("values")))
    {
        return Some("SQL database dump");
    }
    if lower.contains("<?php") {
        return Some("PHP source backup");
    }
    None
}

/// A phpinfo() page: its title or credits plus several of the tables it always prints.
pub fn is_phpinfo(body: &[u8]) -> bool {
    let t = text_prefix(body, 262_144);
    let lower = t.to_ascii_lowercase();
    let titled = lower.contains("phpinfo()") || lower.contains("php credits");
    const MARKERS: &[&str] = &[
        "php version",
        "build date",
        "server api",
        "zend engine",
        "loaded configuration file",
        "configuration file (php.ini) path",
        "php api",
        "registered stream",
    ];
    titled && MARKERS.iter().filter(|m| lower.contains(*m)).count() >= 3
}

/// An auto-generated directory index (Apache, nginx, IIS, lighttpd, Python and similar),
/// returning the server style. CMS pages listing documents do not match.
pub fn directory_listing_style(body: &[u8]) -> Option<&'static str> {
    let t = text_prefix(body, 262_144);
    let lower = t.to_ascii_lowercase();
    let title_index = lower.contains("<title>index of /") || lower.contains("<h1>index of /");
    if title_index {
        if lower.contains(">parent directory<") || lower.contains("?c=n;o=") {
            return Some("Apache");
        }
        if lower.contains("<a href=\"../\">../</a>") || lower.contains("<pre>") {
            return Some("nginx");
        }
        if lower.contains("<table") || lower.contains("<ul>") {
            return Some("generic");
        }
    }
    if lower.contains("[to parent directory]") && lower.contains("<pre>") {
        return Some("IIS");
    }
    if lower.contains("<title>directory listing for /") {
        return Some("Python/SimpleHTTP");
    }
    None
}

/// Security headers a portal should send; `https` adds HSTS.
pub fn security_headers(https: bool) -> Vec<&'static str> {
    let mut v = vec![
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "permissions-policy",
    ];
    if https {
        v.push("strict-transport-security");
    }
    v
}

/// Which of the security headers are present (names lowercase).
pub fn present_security_headers(
    headers: &reqwest::header::HeaderMap,
    https: bool,
) -> Vec<&'static str> {
    security_headers(https)
        .into_iter()
        .filter(|h| headers.contains_key(*h))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_metadata_vs_soft_404() {
        assert!(is_git_metadata("/.git/HEAD", b"ref: refs/heads/master\n"));
        assert!(is_git_metadata(
            "/.git/HEAD",
            b"0123456789abcdef0123456789abcdef01234567"
        ));
        assert!(is_git_metadata(
            "/.git/config",
            b"[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
        ));
        assert!(!is_git_metadata(
            "/.git/HEAD",
            b"<html><body>Not found ref: refs/</body></html>"
        ));
        assert!(!is_git_metadata("/.git/HEAD", b""));
    }

    #[test]
    fn env_files() {
        assert!(is_env_file(b"DB_HOST=127.0.0.1\nDB_PASSWORD=x\n"));
        assert!(!is_env_file(b"<!DOCTYPE html><p>A=B</p>\nC=D"));
        assert!(!is_env_file(b"just text"));
    }

    #[test]
    fn backups_by_content() {
        assert_eq!(backup_format(b"PK\x03\x04rest"), Some("ZIP archive"));
        assert_eq!(backup_format(&[0x1f, 0x8b, 8, 0]), Some("gzip archive"));
        assert_eq!(
            backup_format(b"-- MySQL dump 10.13\nCREATE TABLE `x` (id int);"),
            Some("SQL database dump")
        );
        assert_eq!(
            backup_format(b"<html><body>CREATE TABLE; 404</body></html>"),
            None
        );
        assert_eq!(backup_format(b"Not Found"), None);
    }

    #[test]
    fn backup_names_in_listings() {
        assert!(backup_like_name("hiepmy-backup-2025.zip"));
        assert!(backup_like_name("db.sql"));
        assert!(!backup_like_name("bao-cao-kt-xh.pdf"));
        assert!(!backup_like_name("bieu-mau.zip"));
        let l = b"<a href=\"?C=N;O=D\">Name</a><a href=\"/\">Parent</a><a href=\"site.zip\">site.zip</a><a href=\"2025/\">";
        assert_eq!(
            listing_entries(l),
            vec!["site.zip".to_string(), "2025/".to_string()]
        );
    }

    #[test]
    fn phpinfo_pages() {
        assert!(is_phpinfo(
            b"<title>PHP 7.4 - phpinfo()</title><h1>PHP Version 7.4.3</h1><td>Build Date</td><td>Server API</td>"
        ));
        assert!(!is_phpinfo(
            b"<title>Trang chu</title>Huong dan goi phpinfo() de xem PHP Version"
        ));
        assert!(!is_phpinfo(
            b"<title>Huong dan</title> goi ham phpinfo() de kiem tra"
        ));
    }

    #[test]
    fn directory_listing_vs_cms_document_table() {
        let apache = b"<html><head><title>Index of /uploads</title></head><body><h1>Index of /uploads</h1><table><tr><td><a href=\"/\">Parent Directory</a></td></tr></table></body></html>";
        assert_eq!(directory_listing_style(apache), Some("Apache"));
        let nginx = b"<html>\r\n<head><title>Index of /files/</title></head>\r\n<body>\r\n<h1>Index of /files/</h1><hr><pre><a href=\"../\">../</a>\r\n</pre></body></html>";
        assert_eq!(directory_listing_style(nginx), Some("nginx"));
        let iis = b"<html><head><title>host - /files/</title></head><body><H1>host - /files/</H1><hr>\r\n\r\n<pre><A HREF=\"/\">[To Parent Directory]</A><br><br></pre></body></html>";
        assert_eq!(directory_listing_style(iis), Some("IIS"));
        let cms = b"<html><head><title>Cong khai ngan sach</title></head><body><table><tr><th>Ngay</th><th>Tep</th><th>Dung luong</th></tr><tr><td><a href='/files/a.pdf'>a.pdf</a></td></tr></table></body></html>";
        assert_eq!(directory_listing_style(cms), None);
    }
}
