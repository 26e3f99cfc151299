//! Text folding for vocabulary matching: Vietnamese diacritics removed, case folded, common
//! obfuscations undone (zero-width characters, spaced-out or dotted letters, look-alike digits).
//!
//! The folded form is a sequence of ASCII-ish words separated by single spaces, so that a
//! phrase such as `xoc dia` matches "Xóc Đĩa", "XOC DIA", "x ó c đ ĩ a" and "x.o.c-d.i.a".

/// Maps one character to its folded form (lowercase, no diacritics). Combining marks and
/// zero-width characters map to `None` (dropped).
fn fold_char(c: char) -> Option<char> {
    const GROUPS: [(&str, char); 7] = [
        ("àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬäåÄÅ", 'a'),
        ("èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆëË", 'e'),
        ("ìíỉĩịÌÍỈĨỊïîÏÎ", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢöÖ", 'o'),
        ("ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰüûÜÛ", 'u'),
        ("ỳýỷỹỵÝỲỶỸỴÿ", 'y'),
        ("đĐ", 'd'),
    ];
    match c {
        '\u{0300}'..='\u{036f}' => None,
        '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => None,
        c if c.is_ascii() => Some(c.to_ascii_lowercase()),
        c => {
            for (set, base) in GROUPS {
                if set.contains(c) {
                    return Some(base);
                }
            }
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => Some(l),
                _ => Some(c),
            }
        }
    }
}

/// Folds text into lowercase words without diacritics, undoing spacing obfuscations.
///
/// Words are runs of alphanumeric characters. A run of three or more single-character words
/// (`x o c d i a`, `x.o.c.d.i.a`) is joined into one word (`xocdia`), which is how spaced-out
/// spam is written to dodge keyword filters.
pub fn fold(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        match fold_char(c) {
            None => {}
            Some(f) if f.is_alphanumeric() => cur.push(f),
            Some(_) if !cur.is_empty() => words.push(std::mem::take(&mut cur)),
            Some(_) => {}
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    join_spaced_letters(words).join(" ")
}

fn join_spaced_letters(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, out: &mut Vec<String>| {
        if run.len() >= 3 {
            out.push(run.concat());
        } else {
            out.append(run);
        }
        run.clear();
    };
    for w in words {
        if w.chars().count() == 1 && w.chars().all(|c| c.is_alphabetic()) {
            run.push(w);
        } else {
            flush(&mut run, &mut out);
            out.push(w);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Replaces look-alike digits and symbols inside words that also contain letters
/// (`c4sin0` → `casino`). Words made only of digits are kept.
pub fn unleet(folded: &str) -> String {
    folded
        .split(' ')
        .map(|w| {
            let letters = w.chars().filter(|c| c.is_ascii_alphabetic()).count();
            let digits = w.chars().filter(|c| c.is_ascii_digit()).count();
            if letters >= 2 && digits >= 1 && digits < letters {
                w.chars()
                    .map(|c| match c {
                        '0' => 'o',
                        '1' => 'i',
                        '3' => 'e',
                        '4' => 'a',
                        '5' => 's',
                        '7' => 't',
                        '8' => 'b',
                        c => c,
                    })
                    .collect()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a host name or URL path into folded words (on `.`, `-`, `_`, `/` and the like).
pub fn url_words(s: &str) -> String {
    fold(&percent_decode_lossy(s))
}

/// Decodes `%XX` escapes, keeping malformed ones as they are; invalid UTF-8 is replaced.
pub fn percent_decode_lossy(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Collapses whitespace runs to single spaces and trims.
pub fn squash_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shortens `s` to at most `max` characters for evidence strings, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_diacritics_and_case() {
        assert_eq!(fold("Xóc Đĩa ONLINE"), "xoc dia online");
        assert_eq!(fold("Bắn cá đổi thưởng"), "ban ca doi thuong");
        assert_eq!(fold("NỔ HŨ"), "no hu");
    }

    #[test]
    fn joins_spaced_and_dotted_letters() {
        assert_eq!(fold("x ó c đ ĩ a bịp"), "xocdia bip");
        assert_eq!(fold("c.a.s.i.n.o"), "casino");
        // Two single letters are ordinary text, not an obfuscation.
        assert_eq!(fold("a b test"), "a b test");
    }

    #[test]
    fn drops_zero_width_and_combining_marks() {
        assert_eq!(fold("ca\u{200b}sino"), "casino");
        // "đá gà" written with combining accents (NFD)
        assert_eq!(fold("đa\u{301} ga\u{300}"), "da ga");
    }

    #[test]
    fn unleet_maps_digits_in_words_only() {
        assert_eq!(unleet("c4sin0 2025 fb88"), "casino 2025 fb88");
    }

    #[test]
    fn percent_decoding_is_lossy_not_panicking() {
        assert_eq!(percent_decode_lossy("a%20b%zz%"), "a b%zz%");
        assert_eq!(
            url_words("https://daga-thomo.test/cua-sat"),
            "https daga thomo test cua sat"
        );
    }
}
