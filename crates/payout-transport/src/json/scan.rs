//! Eight-bytes-at-a-time scans for the bytes that end or complicate a JSON
//! string: quote, backslash and control characters (the writer's plain
//! check and the readers' string scan).

const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);
const QUOTES: u64 = u64::from_le_bytes([b'"'; 8]);
const BACKSLASHES: u64 = u64::from_le_bytes([b'\\'; 8]);
const CONTROL: u64 = u64::from_le_bytes([0xe0; 8]);

/// 0x80 in each zero byte of `x`, 0 elsewhere (exact, no false marks).
#[inline]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Marks (0x80) of the control characters and backslashes of `w`.
#[inline]
fn special(w: u64) -> u64 {
    zero_bytes(w & CONTROL) | zero_bytes(w ^ BACKSLASHES)
}

/// Marks (0x80) of the quotes of `w`.
#[inline]
fn quotes(w: u64) -> u64 {
    zero_bytes(w ^ QUOTES)
}

/// Eight bytes as a little-endian word.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w)
}

/// Whether `b` must be escaped inside a JSON string.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The index of the first quote, backslash or control character of
/// `bytes`: where a JSON string written from them would end or need an
/// escape. `None` when there is none (the bytes can be copied between
/// quotes as they are).
///
/// ```
/// use payout_transport::json::string_end;
/// assert_eq!(string_end(b"tradeNo\":\"T1\""), Some(7));
/// assert_eq!(string_end(b"plain text, no escapes"), None);
/// assert_eq!(string_end(b"tab\there"), Some(3));
/// ```
pub fn string_end(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let w = word(chunk);
        let marks = special(w) | quotes(w);
        if marks != 0 {
            return Some(at + (marks.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| needs_escape(b))
        .map(|p| at + p)
}

/// Whether `span`, written without escaping, holds no control character
/// and no backslash anywhere and exactly `quotes_expected` quotes (those
/// the writer put around keys and values). Eight bytes at a time,
/// branch-free.
#[inline]
pub(crate) fn written_plain(span: &[u8], quotes_expected: usize) -> bool {
    let mut bad = 0;
    let mut seen = 0;
    let mut chunks = span.chunks_exact(8);
    for chunk in &mut chunks {
        let w = word(chunk);
        bad |= special(w);
        seen += quotes(w).count_ones();
    }
    let tail = chunks.remainder().len();
    if tail > 0 {
        if span.len() >= 8 {
            // The last eight bytes; drop the marks of those already seen.
            let w = word(&span[span.len() - 8..]);
            let shift = 8 * (8 - tail as u32);
            bad |= special(w) >> shift;
            seen += (quotes(w) >> shift).count_ones();
        } else {
            for &c in chunks.remainder() {
                bad |= u64::from(c < 0x20 || c == b'\\');
                seen += u32::from(c == b'"');
            }
        }
    }
    bad == 0 && seen as usize == quotes_expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_special_byte_anywhere() {
        for len in [1, 7, 8, 9, 16, 17, 24] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    v[at] = b;
                    assert_eq!(
                        string_end(&v),
                        needs_escape(b).then_some(at),
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
            assert_eq!(string_end(&vec![b'a'; len]), None);
        }
    }

    #[test]
    fn plain_check_counts_quotes_and_refuses_escapes() {
        for len in [0, 1, 7, 8, 9, 16, 17] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    v[at] = b;
                    let quotes = usize::from(b == b'"');
                    let plain = b >= 0x20 && b != b'\\';
                    assert_eq!(written_plain(&v, quotes), plain, "{b:#x} at {at} of {len}");
                    assert!(!written_plain(&v, quotes + 1));
                }
            }
        }
        assert!(written_plain(b"", 0));
        assert!(written_plain(br#""a":"b""#, 4));
        assert!(!written_plain(b"\"a\":\"\"\"", 4));
    }
}
