//! The GUIDs the address book names groups and contacts by. The accounts file gives groups short IDs (`0`, `1`)
//! that SYN sends as they are; the address book answers with a GUID for each, derived from the ID so that the same
//! account always gets the same GUIDs. An ID that is already a GUID is kept.

use crate::spec::value::Check;

/// The address book's GUID for the group with ID `id`: `id` itself when it is a GUID (in lowercase), otherwise a
/// GUID derived from it.
pub fn group_guid(id: &str) -> String {
    if Check::Guid.check(id).is_ok() { id.to_ascii_lowercase() } else { derived("group", id) }
}

/// The address book's `contactId` of the contact `handle` (compared without regard to case).
pub fn contact_guid(handle: &str) -> String {
    derived("contact", &handle.to_ascii_lowercase())
}

/// A GUID from two 64-bit FNV-1a hashes of `kind` and `name`, each mixed so that close names give unlike GUIDs,
/// with the version and variant bits of a name-based GUID.
fn derived(kind: &str, name: &str) -> String {
    let hash = |seed: u64| {
        let bytes = kind.bytes().chain([0]).chain(name.bytes());
        mix(bytes.fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)))
    };
    let (high, low) = (hash(0xcbf2_9ce4_8422_2325), hash(0x6c62_272e_07bb_0142));
    let high = (high & !0xf000) | 0x5000;
    let low = (low & !(0xc000 << 48)) | (0x8000 << 48);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// The finalizer of SplitMix64: every bit of the result depends on every bit of `h`.
fn mix(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests {
    use super::{contact_guid, group_guid};
    use crate::spec::value::Check;

    #[test]
    fn guids_are_stable_distinct_and_well_formed() {
        let ids =
            [group_guid("0"), group_guid("1"), contact_guid("bob@example.com"), contact_guid("alice@example.com")];
        for id in &ids {
            assert!(Check::Guid.check(id).is_ok(), "{id}");
            assert_eq!(id.as_bytes()[14], b'5', "{id}");
        }
        for (i, a) in ids.iter().enumerate() {
            assert!(ids[i + 1..].iter().all(|b| a != b), "{ids:?}");
        }
        assert_eq!(group_guid("0"), group_guid("0"));
        // Close IDs give unlike GUIDs.
        assert_ne!(group_guid("0")[..8], group_guid("1")[..8]);
        assert_eq!(contact_guid("Bob@Example.com"), contact_guid("bob@example.com"));
        assert_eq!(group_guid("D6DEEACD-7849-4DE4-93C5-D130915D0042"), "d6deeacd-7849-4de4-93c5-d130915d0042");
    }
}
