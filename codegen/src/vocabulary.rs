//! The primitive checks spec types are built on: the vocabulary the generator and the runtime share.
//!
//! This one file is compiled by both `msnp-codegen` (which reads check names from `spec/types.toml`) and `msnp`
//! (which implements the checks, in `msnp::value`), so that the two can never disagree on the list.

/// A primitive check a spec type is built on (the `check` key of `spec/types.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// A decimal number without sign or leading zeros, up to `max`.
    Uint {
        /// The largest accepted value.
        max: u64,
    },
    /// `0` or `1`.
    Flag,
    /// Any non-empty run of printable characters without spaces.
    Token,
    /// One or more decimal digits.
    Digits,
    /// An account handle `local@domain`.
    Handle,
    /// Printable text with valid `%XX` escapes.
    UrlEncoded,
    /// `host:port`.
    HostPort,
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    Guid,
    /// Lowercase hexadecimal digits, `len` of them when set.
    Hex {
        /// The exact number of digits, when fixed.
        len: Option<u32>,
    },
    /// A Windows locale ID such as `0x0409`.
    Locale,
    /// Numbers separated by dots, such as `5.0.0537`.
    DottedVersion,
    /// An absolute `http(s)://` URL or a path starting with `/`.
    Url,
    /// Decimal numbers separated by commas.
    UintList,
    /// An ISO 8601 date and time.
    Timestamp,
    /// Base64 text.
    Base64,
}

impl Check {
    /// The check names the spec may use, with a constructor taking the type's `max` and `len` options.
    pub const NAMES: &'static [&'static str] = &[
        "uint",
        "flag",
        "token",
        "digits",
        "handle",
        "url-encoded",
        "host-port",
        "guid",
        "hex",
        "locale",
        "dotted-version",
        "url",
        "uint-list",
        "timestamp",
        "base64",
    ];

    /// The name the spec uses for the check, and its options (`max`, `len`): what [`Check::from_name`] takes.
    pub fn parts(self) -> (&'static str, Option<u64>, Option<u32>) {
        match self {
            Check::Uint { max } => ("uint", Some(max), None),
            Check::Flag => ("flag", None, None),
            Check::Token => ("token", None, None),
            Check::Digits => ("digits", None, None),
            Check::Handle => ("handle", None, None),
            Check::UrlEncoded => ("url-encoded", None, None),
            Check::HostPort => ("host-port", None, None),
            Check::Guid => ("guid", None, None),
            Check::Hex { len } => ("hex", None, len),
            Check::Locale => ("locale", None, None),
            Check::DottedVersion => ("dotted-version", None, None),
            Check::Url => ("url", None, None),
            Check::UintList => ("uint-list", None, None),
            Check::Timestamp => ("timestamp", None, None),
            Check::Base64 => ("base64", None, None),
        }
    }

    /// The check called `name`, or `None` for an unknown name.
    pub fn from_name(name: &str, max: Option<u64>, len: Option<u32>) -> Option<Check> {
        Some(match name {
            "uint" => Check::Uint { max: max.unwrap_or(u32::MAX as u64) },
            "flag" => Check::Flag,
            "token" => Check::Token,
            "digits" => Check::Digits,
            "handle" => Check::Handle,
            "url-encoded" => Check::UrlEncoded,
            "host-port" => Check::HostPort,
            "guid" => Check::Guid,
            "hex" => Check::Hex { len },
            "locale" => Check::Locale,
            "dotted-version" => Check::DottedVersion,
            "url" => Check::Url,
            "uint-list" => Check::UintList,
            "timestamp" => Check::Timestamp,
            "base64" => Check::Base64,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Check;

    #[test]
    fn every_check_round_trips_through_its_name_and_options() {
        for name in Check::NAMES {
            for (max, len) in [(None, None), (Some(99), Some(32))] {
                let check = Check::from_name(name, max, len).expect("a known name");
                let (back, max, len) = check.parts();
                assert_eq!(back, *name);
                assert_eq!(Check::from_name(back, max, len), Some(check));
            }
        }
    }
}
