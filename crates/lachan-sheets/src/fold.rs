//! Case- and diacritic-insensitive comparison of Vietnamese text, for
//! header names and enumerated cell values ("Đã phê duyệt" = "da phe duyet").

/// Base letter of a (lower-case) Vietnamese letter with diacritics.
fn base(c: char) -> char {
    const GROUPS: &[(&str, char)] = &[
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ìíỉĩị", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ùúủũụưừứửữự", 'u'),
        ("ỳýỷỹỵ", 'y'),
        ("đ", 'd'),
    ];
    if c.is_ascii() {
        return c;
    }
    for (set, b) in GROUPS {
        if set.contains(c) {
            return *b;
        }
    }
    c
}

/// Combining diacritical marks (text in decomposed form, NFD).
fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Lower-case, strip Vietnamese diacritics, turn every run of characters
/// other than letters and digits into one space, and trim.
/// `"Mã hệ thống (*)"` → `"ma he thong"`, `"agency_code"` → `"agency code"`.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if is_combining(c) {
            continue;
        }
        let c = base(c);
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(key("Mã hệ thống (*)"), "ma he thong");
        assert_eq!(
            key("  KẾT NỐI CSDLQG về dân cư "),
            "ket noi csdlqg ve dan cu"
        );
        assert_eq!(key("agency_code"), "agency code");
        assert_eq!(key("Đã phê duyệt"), "da phe duyet");
        assert_eq!(key("Trạng thái hồ sơ"), "trang thai ho so");
        // Decomposed form: "ệ" as e + U+0323 + U+0302.
        assert_eq!(key("he\u{0323}\u{0302} tho\u{0302}\u{0301}ng"), "he thong");
        assert_eq!(key("Có"), "co");
        assert_eq!(key("Không"), "khong");
    }
}
