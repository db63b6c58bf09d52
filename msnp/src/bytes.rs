//! Word-at-a-time byte scanning for short lines, where calling `memchr` once per match costs more than the
//! scan itself: eight bytes are tested per step with plain integer arithmetic (SWAR).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// A mask with the high bit of each byte of `word` that equals `byte` set (and no other bits).
#[inline]
fn equal_mask(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    // A byte of `x` is zero exactly where `word` had `byte`; this form is exact per byte (no borrow between
    // bytes), unlike the classic has-zero test.
    !(((x & !HIGHS) + !HIGHS) | x | !HIGHS)
}

/// Calls `found` with the position of every `byte` in `haystack`, in order.
#[inline]
pub fn for_each(haystack: &[u8], byte: u8, mut found: impl FnMut(usize)) {
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let mut mask = equal_mask(word, byte);
        while mask != 0 {
            found(base + (mask.trailing_zeros() / 8) as usize);
            mask &= mask - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == byte {
            found(base + i);
        }
    }
}

/// Calls `found` with the position of every space in `haystack`, unless the line holds a `$` (a transcript
/// placeholder, which needs the slower split); returns whether it did.
#[inline]
pub fn spaces_unless_dollar(haystack: &[u8], mut found: impl FnMut(usize)) -> bool {
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if equal_mask(word, b'$') != 0 {
            return false;
        }
        let mut mask = equal_mask(word, b' ');
        while mask != 0 {
            found(base + (mask.trailing_zeros() / 8) as usize);
            mask &= mask - 1;
        }
        base += 8;
    }
    let rest = chunks.remainder();
    if rest.contains(&b'$') {
        return false;
    }
    for (i, &b) in rest.iter().enumerate() {
        if b == b' ' {
            found(base + i);
        }
    }
    true
}

/// The position of the first `byte` in `haystack`.
#[inline]
pub fn find(haystack: &[u8], byte: u8) -> Option<usize> {
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mask = equal_mask(u64::from_le_bytes(chunk.try_into().unwrap_or_default()), byte);
        if mask != 0 {
            return Some(base + (mask.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| b == byte).map(|i| base + i)
}

/// Whether every byte of `bytes` is ASCII.
#[inline]
pub fn is_ascii(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        if u64::from_le_bytes(chunk.try_into().unwrap_or_default()) & HIGHS != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(u8::is_ascii)
}

#[cfg(test)]
mod tests {
    use super::{for_each, is_ascii};

    #[test]
    fn finds_every_byte_like_a_plain_scan() {
        let samples: [&[u8]; 5] =
            [b"", b" ", b"VER 1 MSNP8 CVR0", b"   a  b   c d e f g h i j k l m n o p ", b"\x80 \xff  \x20\x00 x"];
        for sample in samples {
            for byte in [b' ', b'\n', b'$', 0x80, 0xff, 0] {
                let mut found = Vec::new();
                for_each(sample, byte, |i| found.push(i));
                let expected: Vec<usize> =
                    sample.iter().enumerate().filter(|(_, b)| **b == byte).map(|(i, _)| i).collect();
                assert_eq!(found, expected, "{sample:?} {byte}");
            }
            assert_eq!(is_ascii(sample), sample.is_ascii(), "{sample:?}");
        }
    }
}
