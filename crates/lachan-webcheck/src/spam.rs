//! Spam vocabulary scoring (Vietnamese with and without diacritics, English) with a topic
//! guard: text about law enforcement against gambling (arrests, warnings) is news, not spam.
//!
//! Scores are sums of term weights over distinct terms found in folded text (see
//! [`crate::text::fold`]). Weight 3 marks terms that only spam uses (`xoc dia online`,
//! `ban ca doi thuong`, `casino`), 2 terms that are mostly spam (`da ga`, `vay tien nhanh`),
//! 1 terms that legitimate portals also use (`xo so`, `lottery`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::text::{fold, unleet, url_words};

/// Phrase lists (folded form) with weights.
const TERMS: &[(&str, u8)] = &[
    // gambling, Vietnamese
    ("xoc dia", 3),
    ("xocdia", 3),
    ("da ga truc tiep", 3),
    ("da ga truc tuyen", 3),
    ("da ga online", 3),
    ("da ga thomo", 3),
    ("thomo", 3),
    ("da ga cua sat", 3),
    ("cua sat", 1),
    ("da ga", 2),
    ("daga", 3),
    ("ga choi", 1),
    ("ban ca doi thuong", 3),
    ("ban ca online", 3),
    ("bancadoithuong", 3),
    ("doi thuong", 3),
    ("game bai", 2),
    ("danh bai online", 3),
    ("bai doi thuong", 3),
    ("no hu", 3),
    ("quay hu", 3),
    ("tai xiu", 3),
    ("lo de", 3),
    ("danh de", 3),
    ("soi cau", 3),
    ("bao lo", 3),
    ("chot so", 3),
    ("lo to online", 3),
    ("du doan xo so", 3),
    ("du doan ket qua xo so", 3),
    ("xsmn", 2),
    ("xsmb", 2),
    ("xsmt", 2),
    ("xo so", 1),
    ("nha cai", 3),
    ("keo nha cai", 3),
    ("ty le keo", 3),
    ("keo bong da", 3),
    ("soi keo", 3),
    ("ca cuoc", 2),
    ("ca do", 2),
    ("ca do bong da", 2),
    ("dat cuoc", 2),
    ("cuoc bong da", 2),
    ("rong ho", 3),
    ("hoan tra", 1),
    ("nap dau", 2),
    ("khuyen mai nap", 2),
    ("link vao", 2),
    ("uy tin nhat", 1),
    ("song bac", 2),
    ("song bai", 3),
    ("sanh casino", 3),
    ("casino truc tuyen", 3),
    ("baccarat truc tuyen", 3),
    // gambling, English
    ("casino", 3),
    ("baccarat", 3),
    ("poker", 3),
    ("roulette", 3),
    ("blackjack", 3),
    ("slot game", 3),
    ("slot games", 3),
    ("slots", 2),
    ("free spins", 3),
    ("jackpot", 2),
    ("sportsbook", 3),
    ("gambling", 3),
    ("betting", 3),
    ("online bet", 3),
    ("bet online", 3),
    ("real money", 2),
    ("lottery prediction", 3),
    ("lottery", 1),
    // brands
    ("fb88", 3),
    ("w88", 3),
    ("188bet", 3),
    ("kubet", 3),
    ("jun88", 3),
    ("hi88", 3),
    ("new88", 3),
    ("f8bet", 3),
    ("shbet", 3),
    ("sv388", 3),
    ("ae888", 3),
    ("bong88", 3),
    ("m88", 3),
    ("fun88", 3),
    ("12bet", 3),
    ("8xbet", 3),
    ("vn88", 3),
    ("mu88", 3),
    ("okvip", 3),
    ("go88", 3),
    ("sunwin", 3),
    ("hitclub", 3),
    ("789club", 3),
    ("789bet", 3),
    ("rikvip", 3),
    ("33win", 3),
    ("bk8", 3),
    ("dafabet", 3),
    ("bet365", 3),
    ("1xbet", 3),
    ("22bet", 3),
    ("sbobet", 3),
    // loans
    ("vay tien nhanh", 3),
    ("vay tien online", 3),
    ("vay online", 3),
    ("vay nhanh", 2),
    ("vay tin chap online", 3),
    ("vay tin chap", 2),
    ("vaytinchap", 3),
    ("vay nong", 3),
    ("giai ngan trong ngay", 2),
    ("khong can the chap", 2),
    ("dao han the tin dung", 3),
    ("rut tien the tin dung", 3),
    ("ho tro no xau", 3),
    ("payday loan", 3),
    ("payday loans", 3),
    ("quick loan", 3),
    ("cash loan", 2),
    // adult
    ("phim sex", 3),
    ("sex", 2),
    ("porn", 3),
    ("xxx", 2),
    ("jav", 2),
    ("phim nguoi lon", 3),
    ("gai goi", 3),
    ("clip nong", 2),
    ("escort", 2),
    ("viagra", 3),
    ("cialis", 3),
];

/// Word stems looked for inside host-name labels (`banca-doithuong`, `spinwin-casino`).
/// The flag says the stem may sit anywhere in a label; otherwise it must start or end one of
/// the label's `-`/`_` separated parts, because short stems hide inside ordinary words
/// (`baolongan`, `stronghold`, `avocado`).
const HOST_STEMS: &[(&str, u8, bool)] = &[
    ("casino", 3, true),
    ("poker", 3, true),
    ("baccarat", 3, true),
    ("roulette", 3, true),
    ("jackpot", 2, true),
    ("sportsbook", 3, true),
    ("betting", 3, true),
    ("gambl", 3, true),
    ("xocdia", 3, true),
    ("thomo", 3, true),
    ("doithuong", 3, true),
    ("nohu", 3, false),
    ("quayhu", 3, true),
    ("taixiu", 3, true),
    ("soicau", 3, true),
    ("chotso", 3, true),
    ("nhacai", 3, true),
    ("cacuoc", 3, true),
    ("gamebai", 3, true),
    ("danhbai", 3, true),
    ("vaytien", 3, true),
    ("vaynhanh", 3, true),
    ("payday", 3, true),
    ("viagra", 3, true),
    ("cialis", 3, true),
    ("gaigoi", 3, true),
    ("porn", 3, false),
    ("daga", 2, false),
    ("banca", 2, false),
    ("dudoan", 2, false),
    ("rongho", 3, false),
    ("xsmn", 2, false),
    ("xsmb", 2, false),
    ("xsmt", 2, false),
    ("xoso", 1, false),
    ("loto", 1, false),
    ("lode", 2, false),
    ("slot", 2, false),
    ("spin", 1, false),
    ("tinchap", 2, false),
    ("loan", 1, false),
    ("xxx", 2, false),
    ("escort", 2, false),
];

/// Phrases of news about law enforcement or public warnings.
const ENFORCEMENT: &[&str] = &[
    "cong an",
    "bat qua tang",
    "bat giu",
    "bat giam",
    "bi bat",
    "triet pha",
    "khoi to",
    "tam giu",
    "thu giu",
    "doi tuong",
    "toi pham",
    "to giac",
    "canh bao",
    "phong chong",
    "xu phat",
    "xu ly nghiem",
    "vi pham",
    "truy to",
    "dieu tra",
    "tuyen truyen",
    "khong tham gia",
    "nghiem cam",
    "trai phep",
    "danh bac",
    "to chuc danh bac",
    "co bac",
    "toa an",
    "xet xu",
    "bi cao",
    "vien kiem sat",
    "lua dao",
    "thu doan",
    "khuyen cao",
    "can trong",
    "canh giac",
    "nan nhan",
    "de phong",
    "ngan chan",
    "tin dung den",
    "mat tien",
    "police",
    "arrest",
    "arrested",
    "crackdown",
    "illegal",
];

/// Result of scoring one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpamScore {
    /// Sum of the weights of distinct terms found.
    pub score: u32,
    /// Highest single term weight.
    pub max_weight: u8,
    /// Distinct terms found (folded form), for evidence.
    pub terms: Vec<&'static str>,
}

impl SpamScore {
    fn add(&mut self, term: &'static str, w: u8) {
        if !self.terms.contains(&term) {
            self.terms.push(term);
            self.score += u32::from(w);
            self.max_weight = self.max_weight.max(w);
        }
    }

    /// Clearly spam on its own: a spam-only term plus more evidence.
    pub fn is_strong(&self) -> bool {
        self.max_weight >= 3 && self.score >= 4
    }

    /// Has at least one spam-only or two mostly-spam terms.
    pub fn is_some(&self) -> bool {
        self.max_weight >= 3 || self.score >= 4
    }
}

struct Vocab {
    /// Needles are ` term ` (space padded) so that matches fall on word boundaries.
    matcher: Option<AhoCorasick>,
    terms: Vec<(&'static str, u8)>,
}

fn build(needles: &[String]) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(needles)
        .ok()
}

static VOCAB: LazyLock<Vocab> = LazyLock::new(|| Vocab {
    matcher: build(
        &TERMS
            .iter()
            .map(|(t, _)| format!(" {t} "))
            .collect::<Vec<_>>(),
    ),
    terms: TERMS.to_vec(),
});

static ENFORCE: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    build(
        &ENFORCEMENT
            .iter()
            .map(|t| format!(" {t} "))
            .collect::<Vec<_>>(),
    )
});

fn matches(ac: &AhoCorasick, padded: &str, found: &mut [bool]) {
    for m in ac.find_overlapping_iter(padded) {
        if let Some(f) = found.get_mut(m.pattern().as_usize()) {
            *f = true;
        }
    }
}

/// Scores text that is already folded with [`fold`].
pub fn score_folded(folded: &str) -> SpamScore {
    let mut s = SpamScore::default();
    let Some(ac) = VOCAB.matcher.as_ref() else {
        return s;
    };
    let mut found = vec![false; VOCAB.terms.len()];
    matches(ac, &format!(" {folded} "), &mut found);
    if folded.bytes().any(|b| b.is_ascii_digit()) {
        matches(ac, &format!(" {} ", unleet(folded)), &mut found);
    }
    let hits: Vec<(&'static str, u8)> = VOCAB
        .terms
        .iter()
        .zip(&found)
        .filter(|(_, f)| **f)
        .map(|(t, _)| *t)
        .collect();
    // A longer phrase already carries the meaning of its shorter parts: drop sub-phrases.
    for (t, w) in &hits {
        let contained = hits
            .iter()
            .any(|(o, _)| o != t && o.len() > t.len() && o.contains(t));
        if !contained {
            s.add(t, *w);
        }
    }
    s
}

/// Scores raw text (folds it first).
pub fn score_text(text: &str) -> SpamScore {
    score_folded(&fold(text))
}

/// Number of distinct law-enforcement / public-warning phrases in raw text.
pub fn enforcement_score(text: &str) -> usize {
    let Some(ac) = ENFORCE.as_ref() else { return 0 };
    let mut found = vec![false; ENFORCEMENT.len()];
    matches(ac, &format!(" {} ", fold(text)), &mut found);
    found.iter().filter(|f| **f).count()
}

/// True when text reads as news or a warning about gambling rather than promotion.
pub fn is_enforcement_context(text: &str) -> bool {
    enforcement_score(text) >= 2
}

/// Scores a host name by spam stems inside its labels (`xocdia-live.example` → `xocdia`).
/// Government and education hosts always score zero.
pub fn host_score(host: &str) -> SpamScore {
    let mut s = SpamScore::default();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if crate::redirect::is_government_host(&host) {
        return s;
    }
    // Registrable part only: drop the last label (TLD) so `.test` or `.bet` TLDs decide nothing
    // on their own, but keep every other label.
    let labels: Vec<&str> = host.split('.').collect();
    let body = if labels.len() > 1 {
        labels[..labels.len() - 1].join(".")
    } else {
        host.clone()
    };
    let compact: String = body.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let parts: Vec<&str> = body
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    for (stem, w, anywhere) in HOST_STEMS {
        let hit = if *anywhere {
            compact.contains(stem)
        } else {
            parts.iter().any(|p| {
                let letters = p.trim_matches(|c: char| c.is_ascii_digit());
                letters.starts_with(stem) || letters.ends_with(stem)
            })
        };
        if hit {
            s.add(stem, *w);
        }
    }
    // Brand names and word-level terms (e.g. `fb88`, `sex`) on the label words.
    for t in score_folded(&url_words(&body)).terms {
        if !t.contains(' ')
            && let Some((_, w)) = TERMS.iter().find(|(x, _)| *x == t)
        {
            s.add(t, *w);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_vietnamese_spam_with_and_without_diacritics() {
        assert!(score_text("Bắn cá đổi thưởng, xóc đĩa online uy tín").is_strong());
        assert!(score_text("ban ca doi thuong - xoc dia online").is_strong());
        assert!(score_text("x ó c đ ĩ a bịp, nổ hũ").is_strong());
        assert!(score_text("C4SIN0 free spins").is_strong());
    }

    #[test]
    fn ordinary_portal_text_scores_nothing() {
        let s = score_text("UBND huyện triển khai nhiệm vụ trọng tâm năm 2026, trao học bổng");
        assert_eq!(s.score, 0);
        // The state lottery draw broadcast is weak vocabulary only.
        let s = score_text("Tường thuật trực tiếp mở thưởng xổ số kiến thiết và bóng đá");
        assert!(!s.is_some(), "{s:?}");
    }

    #[test]
    fn gambling_news_is_enforcement_context() {
        let t = "Công an huyện bắt quả tang nhóm đối tượng tổ chức đá gà ăn tiền, thu giữ 20 \
                 triệu đồng; đề nghị người dân không tham gia cá độ";
        assert!(score_text(t).is_some());
        assert!(is_enforcement_context(t));
        assert!(!is_enforcement_context("đá gà trực tiếp thomo hôm nay"));
    }

    #[test]
    fn fraud_warning_is_context_not_spam() {
        let t = "Công an khuyến cáo người dân cảnh giác với thủ đoạn lừa đảo vay tiền online,                  vay nhanh không cần thế chấp, đáo hạn thẻ tín dụng";
        assert!(is_enforcement_context(t));
    }

    #[test]
    fn host_names_with_spam_stems() {
        assert!(host_score("daga-thomo.test").score >= 3);
        assert!(host_score("spinwin-casino.invalid").score >= 3);
        assert!(host_score("xsmn-chotso.test").score >= 3);
        assert!(host_score("vaytinchap-nhanh.test").score >= 2);
        assert_eq!(host_score("chinhphu.vn").score, 0);
        assert_eq!(host_score("dichvucong.gov.vn").score, 0);
        assert_eq!(host_score("www.facebook.com").score, 0);
        assert_eq!(host_score("zalo.me").score, 0);
        assert_eq!(host_score("baolongan.vn").score, 0);
        assert_eq!(
            host_score("www.stronghold-security.com").terms,
            Vec::<&str>::new()
        );
        assert_eq!(host_score("avocado.example").score, 0);
        assert!(host_score("nohu88-vip.example").score >= 3);
        assert!(host_score("keonhacai.invalid").score >= 3);
    }
}
