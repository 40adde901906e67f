//! Eight-bytes-at-a-time scans for the bytes that end or complicate a JSON
//! string: quote, backslash and control characters (the request writer's
//! check and the answer reader's string scan).

const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);
const QUOTES: u64 = u64::from_le_bytes([b'"'; 8]);
const BACKSLASHES: u64 = u64::from_le_bytes([b'\\'; 8]);
const CONTROL: u64 = u64::from_le_bytes([0xe0; 8]);

/// 0x80 in each zero byte of `x`, 0 elsewhere (exact, no false marks).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Marks (0x80) of the control characters and backslashes of `w`.
pub(crate) fn special(w: u64) -> u64 {
    zero_bytes(w & CONTROL) | zero_bytes(w ^ BACKSLASHES)
}

/// Marks (0x80) of the quotes of `w`.
pub(crate) fn quotes(w: u64) -> u64 {
    zero_bytes(w ^ QUOTES)
}

/// Eight bytes as a little-endian word.
pub(crate) fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w)
}

/// The index of the first quote, backslash or control character.
pub(crate) fn string_end(bytes: &[u8]) -> Option<usize> {
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
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|p| at + p)
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
                    let special = b == b'"' || b == b'\\' || b < 0x20;
                    assert_eq!(
                        string_end(&v),
                        special.then_some(at),
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
            assert_eq!(string_end(&vec![b'a'; len]), None);
        }
    }
}
