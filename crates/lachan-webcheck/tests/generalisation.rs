//! Sites built here (not from the shared corpus) with other wording, domains and hiding
//! tricks: the detectors must find them, and must stay silent on a clean site full of
//! look-alikes (gambling news, lottery links, hidden menus, "owned by" footers, analytics).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use lachan_webcheck::{Checker, Kind, Options, SiteReport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct Req {
    path: String,
    ua: String,
    referer: String,
}

type Route = Arc<dyn Fn(&Req) -> (u16, &'static str, String, String) + Send + Sync>;

async fn serve(route: Route) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let route = route.clone();
            tokio::spawn(handle(sock, route));
        }
    });
    format!("http://{addr}/")
}

async fn handle(mut sock: TcpStream, route: Route) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let header = |name: &str| {
        text.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let req = Req {
        path: text.split_whitespace().nth(1).unwrap_or("/").to_string(),
        ua: header("user-agent"),
        referer: header("referer"),
    };
    let (status, ctype, extra, body) = route(&req);
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = sock.write_all(head.as_bytes()).await;
    let _ = sock.write_all(body.as_bytes()).await;
}

const HTML: &str = "text/html; charset=utf-8";
const HEADERS: &str = "X-Frame-Options: SAMEORIGIN\r\nX-Content-Type-Options: nosniff\r\n";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=vi><head><meta charset=utf-8><title>{title}</title>\
         <link rel=stylesheet href=/css/site.css></head><body>\
         <header class=top><b>Cổng thông tin điện tử xã Tân Phú</b></header>\
         <nav><ul><li><a href=/>Trang chủ</a><ul class=sub><li><a href=/gioi-thieu>Giới thiệu</a></li></ul></li>\
         <li><a href=/tin-tuc>Tin tức</a></li></ul></nav>{body}\
         <footer>Bản quyền thuộc UBND xã Tân Phú. This website is owned by the People's Committee of Tan Phu.\
         <a href=https://www.facebook.com/tanphu>Facebook</a></footer></body></html>"
    )
}

const CSS: &str = ".top{background:#003366;color:#ffffff;padding:10px} nav .sub{display:none} \
                   nav li:hover .sub{display:block} .ft-links{position:absolute;left:-9999px}";

fn ok(body: String) -> (u16, &'static str, String, String) {
    (200, HTML, HEADERS.to_string(), body)
}

fn not_found() -> (u16, &'static str, String, String) {
    (404, HTML, String::new(), "<h1>404</h1>".to_string())
}

async fn check(route: Route) -> SiteReport {
    let url = serve(route).await;
    let opts = Options {
        timeout: Duration::from_secs(3),
        ..Options::default()
    };
    Checker::new(&opts).unwrap().check_site(&url).await
}

fn integrity(r: &SiteReport) -> Vec<Kind> {
    r.findings
        .iter()
        .map(|f| f.kind)
        .filter(|k| k.is_integrity())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_site_with_look_alikes_has_no_integrity_findings() {
    let r = check(Arc::new(|req: &Req| match req.path.as_str() {
        "/" => ok(page(
            "UBND xã Tân Phú",
            "<div class=news><h2>Tin an ninh</h2><a href=/tin-tuc/triet-pha-duong-day-ca-do>\
             Triệt phá đường dây cá độ bóng đá qua mạng</a>\
             <p><a href='https://baomoi.com/bat-nhom-danh-bac-xoc-dia-online-c1.epi'>Công an bắt nhóm \
             đánh bạc xóc đĩa online</a></p>\
             <p>Kết quả <a href='https://vietlott.vn/vi/trung-thuong/ket-qua-trung-thuong'>xổ số Vietlott</a>\
             và lịch quay số mở thưởng xổ số kiến thiết.</p></div>\
             <form><input type=hidden name=token value=abc><div style='display:none'><input name=website></div></form>\
             <script>var r=document.referrer;var _paq=window._paq=window._paq||[];_paq.push(['setReferrerUrl',r]);\
             (function(){var u='https://stats.tanphu.gov.vn/';var g=document.createElement('script');\
             g.src=u+'matomo.js';document.head.appendChild(g);})();\
             if(location.protocol!=='https:'&&location.hostname!=='127.0.0.1'){location.href='https:'+window.location.href.substring(5);}</script>",
        )),
        "/tin-tuc/triet-pha-duong-day-ca-do" => ok(page(
            "Triệt phá đường dây cá độ bóng đá, xóc đĩa qua mạng",
            "<article><h1>Triệt phá đường dây cá độ bóng đá, xóc đĩa qua mạng</h1><p>Công an tỉnh vừa \
             triệt phá đường dây đánh bạc, cá độ bóng đá, nổ hũ, tài xỉu qua mạng; khởi tố 12 bị can. \
             Các đối tượng quảng cáo nhà cái, game bài đổi thưởng để dụ người chơi.</p></article>",
        )),
        "/css/site.css" => (200, "text/css", String::new(), CSS.to_string()),
        "/dvc" => (302, HTML, "Location: https://dichvucong.gov.vn/\r\n".into(), String::new()),
        _ => not_found(),
    }))
    .await;
    assert!(integrity(&r).is_empty(), "{:#?}", r.findings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_link_box_js_injection_and_referrer_redirect() {
    let r = check(Arc::new(|req: &Req| match req.path.as_str() {
        "/" => ok(page(
            "UBND xã Tân Phú",
            // Stylesheet-hidden box with neutral domains but gambling anchors.
            "<div class=ft-links><a href='https://abc-portal.example/'>nhà cái uy tín</a> \
             <a href='https://top10.example/k'>kèo nhà cái hôm nay</a> \
             <a href='https://win.example/'>nổ hũ đổi thưởng</a></div>\
             <script src=/js/main.js></script>",
        )),
        "/css/site.css" => (200, "text/css", String::new(), CSS.to_string()),
        // Char codes + constant variables; referrer-dependent base64 redirect.
        "/js/main.js" => (
            200,
            "application/javascript",
            String::new(),
            format!(
                "var h=String.fromCharCode({});var t='</a>';document.write(h+'t\u{e0}i x\u{1ec9}u online'+t);\n\
                 if(/google|coccoc/i.test(document.referrer)){{var u=atob('aHR0cHM6Ly9wcm9tby1odWIuZXhhbXBsZS8/cz0x');window.location.replace(u);}}",
                "<a href=\"https://taixiu-vip.example/\">"
                    .chars()
                    .map(|c| (c as u32).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
        _ => not_found(),
    }))
    .await;
    let k = integrity(&r);
    for want in [
        Kind::SeoSpamHiddenLinks,
        Kind::JsInjectedLinks,
        Kind::CloakingReferer,
        Kind::MaliciousRedirect,
    ] {
        assert!(k.contains(&want), "missing {want}: {:#?}", r.findings);
    }
    assert!(
        !k.contains(&Kind::Defacement) && !k.contains(&Kind::CloakingUserAgent),
        "{k:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawler_only_spam_text_and_query_doorway() {
    let r = check(Arc::new(|req: &Req| {
        let bot = req.ua.to_ascii_lowercase().contains("bot");
        match req.path.as_str() {
            "/" if bot => ok(page(
                "Slot game đổi thưởng - Tân Phú",
                "<h1>Nổ hũ đổi thưởng</h1><p>N.Ổ H.Ũ, t-à-i x-ỉ-u, game bài đổi thưởng uy tín nhất, \
                 hoàn trả cao, khuyến mãi nạp đầu.</p>",
            )),
            "/" => ok(page("UBND xã Tân Phú", "<p>Thông báo lịch tiếp công dân tháng 12.</p>")),
            "/robots.txt" => (
                200,
                "text/plain",
                String::new(),
                "User-agent: *\nDisallow: /admin/\nAllow: /?p=game-bai-doi-thuong\n".into(),
            ),
            "/?p=game-bai-doi-thuong" => ok(page(
                "Game bài đổi thưởng uy tín",
                "<h1>Game bài đổi thưởng uy tín 2025</h1><p>Tải game bài đổi thưởng, nổ hũ, bắn cá đổi \
                 thưởng, tài xỉu online.</p>",
            )),
            "/css/site.css" => (200, "text/css", String::new(), CSS.to_string()),
            _ => not_found(),
        }
    }))
    .await;
    let k = integrity(&r);
    assert!(k.contains(&Kind::CloakingUserAgent), "{:#?}", r.findings);
    assert!(k.contains(&Kind::DoorwayPage), "{:#?}", r.findings);
    assert!(!k.contains(&Kind::CloakingReferer), "{k:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referer_dependent_content_without_redirect() {
    let r = check(Arc::new(|req: &Req| match req.path.as_str() {
        "/" if req.referer.contains("google.") || req.referer.contains("bing.") => ok(page(
            "UBND xã Tân Phú",
            "<div class=promo><a href='https://w88-vn.example/'>W88 nhà cái</a> \
             <a href='https://soi-keo.example/'>soi kèo bóng đá hôm nay</a></div>",
        )),
        "/" => ok(page(
            "UBND xã Tân Phú",
            "<p>Thông báo lịch tiếp công dân.</p>",
        )),
        "/css/site.css" => (200, "text/css", String::new(), CSS.to_string()),
        _ => not_found(),
    }))
    .await;
    let k = integrity(&r);
    assert!(k.contains(&Kind::CloakingReferer), "{:#?}", r.findings);
    assert!(!k.contains(&Kind::CloakingUserAgent), "{k:?}");
}
