//! Framing under arbitrary splits: however a byte stream is cut into chunks, feeding them one by one yields the
//! same frames as decoding it whole.

use msnp::frame::{Framer, Limits, OwnedFrame, VersionRule, decode_all};
use msnp::spec::Dir;
use proptest::prelude::*;

fn rule() -> VersionRule {
    VersionRule { version: msnp::SPEC.version("MSNP8").expect("MSNP8"), dir: Dir::Server }
}

/// A server-side MSNP8 frame: a plain command line, or a MSG or NOT with an arbitrary payload (which may hold
/// CR and LF bytes: framing must count, not look).
fn frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"CHG 9 NLN 0\r\n".to_vec()),
        Just(b"ILN 9 NLN anotheruser@hotmail.com another%20user 28\r\n".to_vec()),
        Just(b"QNG 50\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(|payload| {
            let mut out = format!("MSG Hotmail Hotmail {}\r\n", payload.len()).into_bytes();
            out.extend(payload);
            out
        }),
        prop::collection::vec(any::<u8>(), 0..50).prop_map(|payload| {
            let mut out = format!("NOT {}\r\n", payload.len()).into_bytes();
            out.extend(payload);
            out
        }),
    ]
}

/// Feeds `stream` in chunks ending at `cuts`, decoding as bytes arrive.
fn decode_in_chunks(stream: &[u8], cuts: &[usize]) -> (Vec<OwnedFrame>, Vec<u8>) {
    let mut framer = Framer::new(Limits::default(), rule());
    let mut buffer = Vec::new();
    let mut frames = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&stream.len())) {
        buffer.extend_from_slice(&stream[start..end]);
        start = end;
        while let Some(frame) = framer.decode(&buffer).expect("valid frames") {
            frames.push(OwnedFrame {
                line: buffer[frame.line.clone()].to_vec(),
                payload: buffer[frame.payload.clone()].to_vec(),
            });
            buffer.drain(..frame.consumed);
        }
    }
    (frames, buffer)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn any_split_yields_the_same_frames(
        frames in prop::collection::vec(frame(), 0..20),
        tail in prop::collection::vec(b'A'..=b'Z', 0..8),
        cut_seeds in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
    ) {
        let mut stream: Vec<u8> = frames.concat();
        stream.extend(&tail);
        let mut cuts: Vec<usize> = cut_seeds.iter().map(|i| i.index(stream.len() + 1)).collect();
        cuts.sort_unstable();
        let (whole, used) = decode_all(&mut Framer::new(Limits::default(), rule()), &stream).expect("valid frames");
        prop_assert_eq!(whole.len(), frames.len());
        prop_assert_eq!(&stream[used..], &tail[..]);
        let (chunked, rest) = decode_in_chunks(&stream, &cuts);
        prop_assert_eq!(chunked, whole);
        prop_assert_eq!(rest, tail);
    }
}
