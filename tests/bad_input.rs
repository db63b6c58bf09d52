//! Bad input: random bytes, invalid UTF-8, a 10 MB line, a payload length of 4294967295 and a truncated
//! payload each get a clear diagnostic and exit status 1, without a panic, and in bounded memory. A counting
//! allocator measures the peak heap use of each run.

use std::io::{BufReader, Read};

use msnp_tests::alloc::{Counting, peak_of};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes produced on the fly, so that a huge input never exists in memory: `head`, then `remaining` bytes of
/// `fill` repeated, then `tail`.
struct Generated {
    head: Vec<u8>,
    fill: Vec<u8>,
    remaining: u64,
    tail: Vec<u8>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.head.is_empty() {
            let n = self.head.len().min(buf.len());
            buf[..n].copy_from_slice(&self.head[..n]);
            self.head.drain(..n);
            return Ok(n);
        }
        if self.remaining > 0 {
            let n = (self.remaining as usize).min(buf.len());
            // The fill goes on from where the last read left it.
            let at = self.fill.len() - (self.remaining % self.fill.len() as u64) as usize;
            for (i, byte) in buf[..n].iter_mut().enumerate() {
                *byte = self.fill[(at + i) % self.fill.len()];
            }
            self.remaining -= n as u64;
            return Ok(n);
        }
        let n = self.tail.len().min(buf.len());
        buf[..n].copy_from_slice(&self.tail[..n]);
        self.tail.drain(..n);
        Ok(n)
    }
}

/// Runs `msnp validate -` on `input`; returns the exit status, the output and the peak heap growth in bytes.
fn validate(input: impl Read) -> (u8, String, usize) {
    let mut stdin = BufReader::new(input);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (status, peak) = peak_of(|| msnp_cli::status(["msnp", "validate", "-"], &mut stdin, &mut out, &mut err));
    (status, format!("{}{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err)), peak)
}

fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

/// Every case runs in this one test, so no other test's allocations mix into the measured peaks.
#[test]
fn bad_input_gets_clear_diagnostics_in_bounded_memory() {
    const MB: usize = 1 << 20;
    let ver = b"C: VER 1 MSNP8 CVR0\r\nS: VER 1 MSNP8\r\n".to_vec();
    let cases: Vec<(&str, Box<dyn Read>, &str)> = vec![
        ("random bytes", Box::new(std::io::Cursor::new(random_bytes(MB, 7))), "not valid UTF-8"),
        ("invalid UTF-8 in a command", Box::new(&b"C: VER 1 MSNP8\xff CVR0\n"[..]), "not valid UTF-8"),
        (
            "a 10 MB line",
            Box::new(Generated {
                head: b"C: VER 1 ".to_vec(),
                fill: b"A".to_vec(),
                remaining: 10 * MB as u64,
                tail: b"\n".to_vec(),
            }),
            "line is 10485769 bytes long; the limit is 65536 bytes",
        ),
        (
            "a 256 MB line without a line end",
            Box::new(Generated { head: Vec::new(), fill: b"B".to_vec(), remaining: 1 << 28, tail: Vec::new() }),
            "limit is 65536 bytes",
        ),
        (
            "a payload length of 4294967295",
            Box::new(std::io::Cursor::new([&ver[..], b"S: MSG Hotmail Hotmail 4294967295\r\nhello\r\n"].concat())),
            "announces a payload of 4294967295 bytes; the limit is 1048576 bytes",
        ),
        (
            "a truncated payload",
            Box::new(std::io::Cursor::new([&ver[..], b"S: MSG Hotmail Hotmail 200\r\nMIME-Version: 1.0\r\n"].concat())),
            "announces 200 bytes of payload, but the transcript ends first",
        ),
        ("an empty file", Box::new(&b""[..]), "no `C:` or `S:` lines"),
        (
            // Short continuation lines, each under the line limit, that join into one endless line.
            "32 MB of continuation lines",
            Box::new(Generated {
                head: ver.clone(),
                fill: b".. AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n".to_vec(),
                // A whole number of continuation lines.
                remaining: (32 * MB / 64 * 64) as u64,
                tail: Vec::new(),
            }),
            "joined with its continuations up to line 1077, is longer than the limit of 65536 bytes",
        ),
        (
            // A multi-byte character where a URL check once cut the token at a byte index.
            "a URL argument with a multi-byte character",
            Box::new(std::io::Cursor::new([&ver[..], "S: CVR 2 1.0 1.0 1.0 aaaaaa\u{e9} /x\r\n".as_bytes()].concat())),
            "is not a valid `download-url`",
        ),
    ];
    for (what, input, expected) in cases {
        let (status, output, peak) = validate(input);
        assert_eq!(status, 1, "{what}: exit status\n{output}");
        assert!(output.contains(expected), "{what}: expected {expected:?} in\n{output}");
        assert!(peak < 4 * MB, "{what}: {peak} bytes of heap at the peak");
    }
}
