//! Minimal DER reading of an X.509 certificate's validity period (notBefore, notAfter), so
//! expiry days can be reported without a full X.509 parser. Malformed input gives `None`.

/// Reads one TLV at `pos`; returns (tag, content range start, content end).
fn tlv(data: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let tag = *data.get(pos)?;
    let first = *data.get(pos + 1)? as usize;
    let (len, hdr) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *data.get(pos + 2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let start = pos + hdr;
    let end = start.checked_add(len)?;
    (end <= data.len()).then_some((tag, start, end))
}

/// Returns (notBefore, notAfter) as Unix seconds.
pub fn validity(cert: &[u8]) -> Option<(i64, i64)> {
    let (t, cs, _) = tlv(cert, 0)?; // Certificate SEQUENCE
    if t != 0x30 {
        return None;
    }
    let (t, ts, te) = tlv(cert, cs)?; // tbsCertificate SEQUENCE
    if t != 0x30 {
        return None;
    }
    let mut pos = ts;
    let (t, _, e) = tlv(cert, pos)?;
    if t == 0xa0 {
        pos = e; // [0] version
    }
    for _ in 0..3 {
        // serialNumber, signature, issuer
        let (_, _, e) = tlv(cert, pos)?;
        pos = e;
    }
    let (t, vs, ve) = tlv(cert, pos)?;
    if t != 0x30 || ve > te {
        return None;
    }
    let (t1, s1, e1) = tlv(cert, vs)?;
    let (t2, s2, e2) = tlv(cert, e1)?;
    Some((
        parse_time(t1, &cert[s1..e1])?,
        parse_time(t2, &cert[s2..e2])?,
    ))
}

fn parse_time(tag: u8, raw: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(raw).ok()?;
    let s = s.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: i64 = s.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
        }
        0x18 => (s.get(0..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let num = |r: std::ops::Range<usize>| -> Option<i64> { rest.get(r)?.parse().ok() };
    let (mo, d, h, mi) = (num(0..2)?, num(2..4)?, num(4..6)?, num(6..8)?);
    let sec = num(8..10).unwrap_or(0);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(year, mo, d) * 86_400 + h * 3600 + mi * 60 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_time(0x17, b"220101000000Z"), Some(1_640_995_200));
        assert_eq!(parse_time(0x18, b"20220101000000Z"), Some(1_640_995_200));
        assert_eq!(parse_time(0x17, b"22x101000000Z"), None);
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(validity(&[]), None);
        assert_eq!(validity(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(validity(&[0x30, 0x03, 0x30, 0x01, 0x00]), None);
    }
}
