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

/// Calls `each(base, word, valid)` for every eight bytes of `haystack` from `base`, read as a little-endian word;
/// `valid` masks the bits of bytes that are in `haystack` (all of them but in the last word, which may be
/// partial). Stops early, returning `false`, when `each` does.
#[inline(always)]
pub fn words(haystack: &[u8], mut each: impl FnMut(usize, u64, u64) -> bool) -> bool {
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        if !each(base, u64::from_le_bytes(chunk.try_into().unwrap_or_default()), !0) {
            return false;
        }
        base += 8;
    }
    let (word, valid) = tail_word(haystack);
    valid == 0 || each(base, word, valid)
}

/// The bytes after the last whole eight of `haystack` as a little-endian word, with the mask of their bits (0
/// when there are none). When the haystack has eight bytes or more, its last eight are read and shifted down,
/// so that neither a byte loop nor a copy of unknown length is needed.
#[inline(always)]
fn tail_word(haystack: &[u8]) -> (u64, u64) {
    let len = haystack.len();
    let rest = len % 8;
    if rest == 0 {
        return (0, 0);
    }
    let word = match haystack.get(len.wrapping_sub(8)..) {
        Some(last) if len >= 8 => u64::from_le_bytes(last.try_into().unwrap_or_default()) >> (8 * (8 - rest)),
        _ => haystack.iter().rev().fold(0, |word, &b| (word << 8) | u64::from(b)),
    };
    (word, (1 << (8 * rest)) - 1)
}

/// Calls `found` with the position of every `byte` of `word` (bytes from `base`, among those `valid` masks).
#[inline(always)]
fn each_equal(word: u64, valid: u64, byte: u8, base: usize, found: &mut impl FnMut(usize)) {
    let mut mask = equal_mask(word, byte) & valid;
    while mask != 0 {
        found(base + (mask.trailing_zeros() / 8) as usize);
        mask &= mask - 1;
    }
}

/// Calls `found` with the position of every `byte` in `haystack`, in order.
#[inline]
pub fn for_each(haystack: &[u8], byte: u8, mut found: impl FnMut(usize)) {
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        each_equal(u64::from_le_bytes(chunk.try_into().unwrap_or_default()), !0, byte, base, &mut found);
        base += 8;
    }
    let (word, valid) = tail_word(haystack);
    each_equal(word, valid, byte, base, &mut found);
}

/// Calls `found` with the position of every space in `haystack`, unless the line holds a `$` or a `<` (which may
/// start a transcript placeholder, and need the slower split); returns whether it did.
#[inline]
pub fn spaces_unless_placeholder(haystack: &[u8], mut found: impl FnMut(usize)) -> bool {
    let mut chunks = haystack.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        if equal_mask(word, b'$') | equal_mask(word, b'<') != 0 {
            return false;
        }
        each_equal(word, !0, b' ', base, &mut found);
        base += 8;
    }
    let (word, valid) = tail_word(haystack);
    if (equal_mask(word, b'$') | equal_mask(word, b'<')) & valid != 0 {
        return false;
    }
    each_equal(word, valid, b' ', base, &mut found);
    true
}

/// The position of the first `byte` in `haystack`.
#[inline]
pub fn find(haystack: &[u8], byte: u8) -> Option<usize> {
    let mut found = None;
    words(haystack, |base, word, valid| {
        let mask = equal_mask(word, byte) & valid;
        if mask != 0 {
            found = Some(base + (mask.trailing_zeros() / 8) as usize);
        }
        mask == 0
    });
    found
}

#[cfg(test)]
mod tests {
    use super::{find, for_each};

    #[test]
    fn finds_every_byte_like_a_plain_scan() {
        let mut samples: Vec<Vec<u8>> =
            [&b""[..], b" ", b"VER 1 MSNP8 CVR0", b"   a  b   c d e f g h i j k l m n o p ", b"\x80 \xff  \x20\x00 x"]
                .iter()
                .map(|s| s.to_vec())
                .collect();
        // Every length around the word size, with the searched bytes at every position of the last word.
        for len in 0..26 {
            for shift in 0..5 {
                samples.push((0..len).map(|i| b" $a\x80\n"[(i + shift) % 5]).collect());
            }
        }
        for sample in &samples {
            let sample = &sample[..];
            for byte in [b' ', b'\n', b'$', 0x80, 0xff, 0] {
                let mut found = Vec::new();
                for_each(sample, byte, |i| found.push(i));
                let expected: Vec<usize> =
                    sample.iter().enumerate().filter(|(_, b)| **b == byte).map(|(i, _)| i).collect();
                assert_eq!(found, expected, "{sample:?} {byte}");
            }
            for byte in [b' ', b'$', 0x80] {
                assert_eq!(find(sample, byte), sample.iter().position(|&b| b == byte), "{sample:?} {byte}");
            }
        }
    }
}
