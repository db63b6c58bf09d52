//! Spec errors: every kind of problem the generator reports, each with its exact `FILE:LINE:COL: message` line.
//!
//! The spec files are built in memory. Each case adds files to (or replaces files of) a small spec that loads
//! cleanly, so that the lines a case expects are due to the case's text alone.

use msnp_codegen::load::SourceFile;
use msnp_codegen::spec_from_files;

/// A good `types.toml` that every case shares unless it replaces it.
const TYPES: &str = r#"
[type.length]
doc = "Byte length of the payload."
check = "uint"

[type.count]
doc = "A number of items."
check = "uint"

[type.handle]
doc = "An account handle."
check = "handle"

[type.status]
doc = "A presence status."
values = [{ value = "NLN", doc = "Online." }]
"#;

/// A good `errors.toml` that every case shares unless it replaces it.
const ERRORS: &str = r#"
[error.200]
doc = "Syntax error."

[error.201]
doc = "Invalid parameter."
"#;

/// A good version that cases extend when they need a parent.
const BASE: &str = r#"
[version]
name = "BASE"
doc = "A good version other files extend."

[errors]
introduces = [200]

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]

[command.ADD.form.reply]
from = "server"
args = [{ name = "handle", type = "handle" }]
"#;

/// One kind of error: the files that cause it and the lines it must produce, in order.
struct Case {
    /// What the case shows.
    name: &'static str,
    /// Files by name (without the `spec/` prefix); a file named like a shared one replaces it.
    files: &'static [(&'static str, &'static str)],
    /// Every rendered line, exactly.
    expected: &'static [&'static str],
}

/// The text of a file as written in this source: without the newline that follows `r#"`.
fn text(source: &str) -> String {
    source.strip_prefix('\n').unwrap_or(source).to_string()
}

/// Checks the shared files together with `files`; returns every rendered error (none when the spec loads).
fn check(files: &[(&str, &str)]) -> Vec<String> {
    let mut set: Vec<(&str, &str)> = vec![("types.toml", TYPES), ("errors.toml", ERRORS)];
    for &(name, source) in files {
        match set.iter_mut().find(|(shared, _)| *shared == name) {
            Some(slot) => slot.1 = source,
            None => set.push((name, source)),
        }
    }
    let sources = set.into_iter().map(|(name, source)| SourceFile { path: format!("spec/{name}"), text: text(source) });
    match spec_from_files(sources.collect()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    }
}

/// Every case, grouped by the stage that finds the problem. Lines and columns count from 1, columns in
/// characters, as in the text of each file after its leading newline is dropped.
const CASES: &[Case] = &[
    // --- load: TOML and serde -------------------------------------------------------------------
    Case {
        name: "TOML syntax error",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."
extends "BASE"
"#,
        )],
        expected: &["spec/bad.toml:4:9: key with no value, expected `=`"],
    },
    Case {
        name: "unknown key in [version]",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."
colour = "blue"
"#,
        )],
        expected: &[
            "spec/bad.toml:4:1: unknown field `colour`, expected one of `name`, `extends`, `abstract`, `doc`, `client`, `auth`, `contact_list`, `unverified`",
        ],
    },
    Case {
        name: "unknown key in an argument",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "handle", type = "handle", optinal = true },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:12:39: unknown field `optinal`, expected one of `name`, `type`, `literal`, `doc`, `optional`, `repeat`, `prefix`, `defines`, `refers`",
        ],
    },
    Case {
        name: "unknown key in types.toml",
        files: &[(
            "types.toml",
            r#"
[type.small]
doc = "A small number."
check = "uint"
maximum = 3
"#,
        )],
        expected: &[
            "spec/types.toml:4:1: unknown field `maximum`, expected one of `doc`, `check`, `values`, `any_of`, `parts`, `separator`, `max`, `len`, `max_len`",
        ],
    },
    Case {
        name: "missing key",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [{ name = "length", type = "length" }]
payload = { length = "length" }
"#,
        )],
        expected: &["spec/bad.toml:12:11: missing field `kind`"],
    },
    Case {
        name: "value of the wrong type",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.reply]
from = "server"
once = "yes"
args = []
"#,
        )],
        expected: &["spec/bad.toml:11:8: invalid type: string \"yes\", expected a boolean"],
    },
    // --- types.toml -------------------------------------------------------------------------------
    Case {
        // The checker has its own "defined twice" messages, but TOML refuses a repeated table first.
        name: "type and error defined twice",
        files: &[
            (
                "types.toml",
                r#"
[type.count]
doc = "A number."
check = "uint"

[type.count]
doc = "Another number."
check = "uint"
"#,
            ),
            (
                "errors.toml",
                r#"
[error.200]
doc = "Syntax error."

[error."200"]
doc = "Syntax error again."
"#,
            ),
        ],
        expected: &["spec/types.toml:5:7: duplicate key", "spec/errors.toml:4:8: duplicate key"],
    },
    Case {
        name: "type name",
        files: &[(
            "types.toml",
            r#"
[type.Big_Name]
doc = "A badly named type."
check = "token"
"#,
        )],
        expected: &["spec/types.toml:1:7: type name `Big_Name` must be lowercase words joined by '-'"],
    },
    Case {
        name: "type without doc",
        files: &[(
            "types.toml",
            r#"
[type.plain]
check = "token"
"#,
        )],
        expected: &["spec/types.toml:1:1: type `plain` needs a doc line"],
    },
    Case {
        name: "documentation problems",
        files: &[(
            "types.toml",
            r#"
[type.empty]
doc = ""
check = "token"

[type.two-lines]
doc = "One line.\nAnother line."
check = "token"

[type.padded]
doc = " Padded."
check = "token"
"#,
        )],
        expected: &[
            "spec/types.toml:2:7: documentation is empty",
            "spec/types.toml:6:7: documentation must be one line",
            "spec/types.toml:10:7: documentation has leading or trailing spaces",
        ],
    },
    Case {
        name: "type with no kind or two kinds",
        files: &[(
            "types.toml",
            r#"
[type.nothing]
doc = "Neither checked nor enumerated."

[type.both]
doc = "Checked and enumerated."
check = "token"
values = [{ value = "A", doc = "A." }]
"#,
        )],
        expected: &[
            "spec/types.toml:1:1: type `nothing` needs exactly one of `check`, `values`, `any_of` and `parts`",
            "spec/types.toml:4:1: type `both` needs exactly one of `check`, `values`, `any_of` and `parts`",
        ],
    },
    Case {
        name: "max and len on the wrong check",
        files: &[(
            "types.toml",
            r#"
[type.word]
doc = "A word."
check = "token"
max = 5

[type.number]
doc = "A number."
check = "uint"
len = 4
"#,
        )],
        expected: &[
            "spec/types.toml:1:1: `max` applies to check = \"uint\" only",
            "spec/types.toml:6:1: `len` applies to check = \"hex\" only",
        ],
    },
    Case {
        name: "unknown check",
        files: &[(
            "types.toml",
            r#"
[type.number]
doc = "A number."
check = "integer"
"#,
        )],
        expected: &[
            "spec/types.toml:3:9: unknown check `integer`; the checks are uint, flag, token, digits, handle, url-encoded, host-port, guid, hex, locale, dotted-version, url, uint-list, timestamp, base64",
        ],
    },
    Case {
        name: "any_of members",
        files: &[(
            "types.toml",
            r#"
[type.handle]
doc = "An account handle."
check = "handle"

[type.unknown-member]
doc = "Lists a type that does not exist."
any_of = ["handle", "nosuch"]

[type.itself]
doc = "Lists itself."
any_of = ["itself"]

[type.none]
doc = "Lists nothing."
any_of = []
"#,
        )],
        expected: &[
            "spec/types.toml:7:21: unknown type `nosuch`",
            "spec/types.toml:11:11: a type cannot be one of its own members",
            // The self-reference is reported a second time, as a union listing a union (itself).
            "spec/types.toml:15:10: `any_of` needs at least one type",
        ],
    },
    Case {
        name: "union of a union",
        files: &[(
            "types.toml",
            r#"
[type.handle]
doc = "An account handle."
check = "handle"

[type.inner]
doc = "A union."
any_of = ["handle"]

[type.outer]
doc = "A union of a union."
any_of = ["handle", "inner"]

[type.guid]
doc = "A GUID."
check = "guid"

[type.endpoint]
doc = "A handle and an endpoint."
parts = ["handle", "guid"]
separator = ";"

[type.handle-or-endpoint]
doc = "A union of a joined type: allowed."
any_of = ["handle", "endpoint"]
"#,
        )],
        expected: &["spec/types.toml:11:21: type `outer` is a union of `inner`, which is itself made of types"],
    },
    Case {
        name: "joined types",
        files: &[(
            "types.toml",
            r#"
[type.handle]
doc = "An account handle."
check = "handle"

[type.network]
doc = "A network number."
check = "uint"

[type.no-separator]
doc = "Parts without a separator."
parts = ["network", "handle"]

[type.one-part]
doc = "A single part."
parts = ["handle"]
separator = ":"

[type.spaced]
doc = "A separator with a space."
parts = ["network", "handle"]
separator = " "

[type.stray-separator]
doc = "A separator without parts."
check = "token"
separator = ":"

[type.joined]
doc = "A joined type."
parts = ["network", "handle"]
separator = ":"

[type.nested]
doc = "Parts of parts."
parts = ["network", "joined", "nosuch"]
separator = ";"
"#,
        )],
        expected: &[
            "spec/types.toml:11:9: `parts` needs a `separator`",
            "spec/types.toml:15:9: `parts` needs at least two types",
            "spec/types.toml:21:13: a separator is one or more characters other than spaces",
            "spec/types.toml:26:13: `separator` applies to `parts` only",
            "spec/types.toml:35:21: type `nested` is a joined type of `joined`, which is itself made of types",
            "spec/types.toml:35:31: unknown type `nosuch`",
        ],
    },
    Case {
        name: "max on an enumeration",
        files: &[(
            "types.toml",
            r#"
[type.status]
doc = "A presence status."
values = [{ value = "NLN", doc = "Online." }]
max = 3
"#,
        )],
        expected: &["spec/types.toml:1:1: `max` applies to checked types only"],
    },
    Case {
        name: "enumeration values",
        files: &[(
            "types.toml",
            r#"
[type.empty]
doc = "No values."
values = []

[type.status]
doc = "A presence status."
values = [
  { value = "NLN", doc = "Online." },
  { value = "1st", doc = "Starts with a digit." },
  { value = "nln", doc = "Online, in lowercase." },
  { value = "BSY" },
]
"#,
        )],
        expected: &[
            "spec/types.toml:3:10: `values` needs at least one value",
            "spec/types.toml:9:13: value `1st` must be a letter followed by letters and digits",
            "spec/types.toml:10:13: value `nln` clashes with `NLN` (same Rust name)",
            "spec/types.toml:11:3: value `BSY` needs a doc line",
        ],
    },
    // --- errors.toml ------------------------------------------------------------------------------
    Case {
        name: "error codes",
        files: &[(
            "errors.toml",
            r#"
[error.20]
doc = "Too short."

[error.300]
name = "ERR_UNDOCUMENTED"
"#,
        )],
        expected: &[
            "spec/errors.toml:1:8: error code `20` must be three digits",
            "spec/errors.toml:4:8: error 300 needs a doc line",
        ],
    },
    // --- version files on their own ---------------------------------------------------------------
    Case {
        name: "version name",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "v-1"
doc = "A broken version."
"#,
        )],
        expected: &["spec/bad.toml:2:8: version name `v-1` must be letters and digits"],
    },
    Case {
        name: "unverified note of more than one line",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A version."
unverified = """
Two
lines."""
"#,
        )],
        expected: &["spec/bad.toml:4:14: documentation must be one line"],
    },
    Case {
        name: "version without doc",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
"#,
        )],
        expected: &["spec/bad.toml:1:1: version `BAD` needs a doc line"],
    },
    Case {
        name: "error code not in errors.toml",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[errors]
introduces = [200, 999]

[command.ADD]
doc = "Adds a contact."
services = ["NS"]
errors = [404]

[command.ADD.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &[
            "spec/bad.toml:6:20: error 999 is not defined in errors.toml",
            "spec/bad.toml:11:11: error 404 is not defined in errors.toml",
        ],
    },
    Case {
        name: "removal without doc",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[removes.ADD]
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:10: the removal of `ADD` needs a doc line saying what happens now"],
    },
    Case {
        name: "command name",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.Add]
doc = "Adds a contact."
services = ["NS"]
"#,
        )],
        expected: &["spec/bad.toml:5:10: command name `Add` must be three uppercase letters"],
    },
    Case {
        name: "services",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = []

[command.ADD.form.request]
from = "client"
services = ["NS", "XS"]
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &[
            "spec/bad.toml:7:12: `services` needs at least one of DS, NS and SB",
            "spec/bad.toml:11:19: unknown service `XS`; the services are DS, NS and SB",
        ],
    },
    Case {
        name: "form name",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]

[command.ADD.form.Reply]
from = "server"
args = []
"#,
        )],
        expected: &["spec/bad.toml:13:19: form name `Reply` must be lowercase words joined by '-'"],
    },
    Case {
        name: "from",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "peer"
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        // The bad value is left out, so the resolve stage also finds the form without `from`; its line comes
        // first because the form's name comes before its keys.
        expected: &["spec/bad.toml:10:8: `from` must be \"client\" or \"server\", not `peer`"],
    },
    Case {
        name: "trid",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
trid = "maybe"
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &["spec/bad.toml:11:8: `trid` must be \"yes\", \"no\" or \"zero\", not `maybe`"],
    },
    Case {
        name: "trid zero on a client form",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
trid = "zero"
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        // Both stages check this: the check stage at the value, the resolve stage at the form.
        expected: &["spec/bad.toml:11:8: trid = \"zero\" marks a server push; a client form cannot have it"],
    },
    Case {
        // Only the resolve stage can see this one: the form inherits `from` from the one it replaces.
        name: "trid zero on a client form, from inherited",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.ADD.form.request]
trid = "zero"
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:19: trid = \"zero\" marks a server push; a client form cannot have it"],
    },
    Case {
        name: "answers",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
answers = ["ADD"]
args = [{ name = "handle", type = "handle" }]

[command.ADD.form.reply]
from = "server"
trid = "no"
answers = ["add", "REM"]
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        // `answers` on a client form is reported by both stages, as trid = "zero" is.
        expected: &[
            "spec/bad.toml:11:11: `answers` applies to server forms only",
            "spec/bad.toml:17:12: `add` is not a command name",
            "spec/bad.toml:17:19: `REM` is not a command of `BAD`",
        ],
    },
    Case {
        name: "payload kind",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [{ name = "length", type = "length" }]
payload = { length = "length", kind = "json" }
"#,
        )],
        expected: &["spec/bad.toml:12:39: payload kind must be mime, xml, text or binary, not `json`"],
    },
    Case {
        name: "once on a client form",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
once = true
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &["spec/bad.toml:9:19: `once` applies to server forms only"],
    },
    // --- arguments --------------------------------------------------------------------------------
    Case {
        name: "too many arguments",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { literal = "A" }, { literal = "B" }, { literal = "C" }, { literal = "D" },
  { literal = "E" }, { literal = "F" }, { literal = "G" }, { literal = "H" },
  { literal = "I" }, { literal = "J" }, { literal = "K" }, { literal = "L" },
  { literal = "M" }, { literal = "N" }, { literal = "O" }, { literal = "P" },
  { literal = "Q" },
]
"#,
        )],
        expected: &["spec/bad.toml:11:8: a form has at most 16 arguments (the matcher keeps their positions inline)"],
    },
    Case {
        name: "argument names",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "Who", type = "handle", doc = "Whom to add." },
  { name = "type", type = "count", doc = "A reserved word." },
  { name = "tr-id", type = "count", doc = "A generated field." },
  { name = "handle", type = "handle" },
  { name = "handle", type = "handle" },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:12:12: argument name `Who` must be lowercase words joined by '-'",
            "spec/bad.toml:13:12: argument name `type` is reserved (a Rust keyword or a generated field)",
            "spec/bad.toml:14:12: argument name `tr-id` is reserved (a Rust keyword or a generated field)",
            "spec/bad.toml:16:12: argument `handle` appears twice in this form",
        ],
    },
    Case {
        name: "unknown type",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [{ name = "who", type = "nosuch", doc = "Whom to add." }]
"#,
        )],
        expected: &["spec/bad.toml:11:32: unknown type `nosuch`"],
    },
    Case {
        name: "literals",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { literal = "TWO WORDS" },
  { literal = "OK", prefix = "x=" },
  { literal = "NOW", optional = true },
  { literal = "LATER", name = "later" },
  { literal = "SOON", name = "Soon", optional = true },
  { literal = "ALL", repeat = true },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:12:15: a literal must be one non-empty word",
            "spec/bad.toml:13:3: a literal cannot have a prefix",
            "spec/bad.toml:14:3: an optional literal needs a `name` (its presence becomes a field)",
            "spec/bad.toml:15:31: only an optional literal takes a `name`",
            "spec/bad.toml:16:30: argument name `Soon` must be lowercase words joined by '-', not a reserved word",
            "spec/bad.toml:17:3: a literal cannot repeat",
        ],
    },
    Case {
        name: "literal name used twice",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "handle", type = "handle" },
  { literal = "NOW", name = "handle", optional = true },
]
"#,
        )],
        expected: &["spec/bad.toml:13:29: argument `handle` appears twice in this form"],
    },
    Case {
        name: "neither a value nor a literal",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "handle" },
  { name = "count", type = "count", literal = "X" },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:12:3: an argument needs `name` and `type`, or `literal` alone",
            "spec/bad.toml:13:3: an argument needs `name` and `type`, or `literal` alone",
        ],
    },
    Case {
        name: "repeat, prefix and optional order",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "handle", type = "handle", repeat = true },
  { name = "count", type = "count", prefix = "", doc = "How many." },
  { name = "length", type = "length", optional = true },
  { name = "status", type = "status" },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:12:3: only the last argument may repeat",
            "spec/bad.toml:13:46: a prefix cannot be empty",
            "spec/bad.toml:15:3: a required argument cannot follow an optional one without a prefix or literal",
        ],
    },
    Case {
        name: "optional arguments marked by a prefix or literal may come first",
        files: &[(
            "good.toml",
            r#"
[version]
name = "GOOD"
doc = "A version that loads."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "count", type = "count", prefix = "n=", optional = true, doc = "How many." },
  { literal = "NOW", name = "now", optional = true },
  { name = "handle", type = "handle" },
]
"#,
        )],
        expected: &[],
    },
    Case {
        name: "argument without doc",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = [
  { name = "handle", type = "handle" },
  { name = "who", type = "handle" },
]
"#,
        )],
        expected: &["spec/bad.toml:13:3: argument `who` needs a doc line (none to inherit)"],
    },
    // --- payloads ---------------------------------------------------------------------------------
    Case {
        name: "payload length not last",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [
  { name = "length", type = "length" },
  { name = "count", type = "count", doc = "How many." },
]
payload = { length = "length", kind = "mime" }
"#,
        )],
        expected: &[
            "spec/bad.toml:12:3: the payload length must be the last argument (framing reads it from the end of the line)",
        ],
    },
    Case {
        name: "payload length not of type length",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [{ name = "size", type = "count", doc = "Bytes that follow." }]
payload = { length = "size", kind = "mime" }
"#,
        )],
        expected: &["spec/bad.toml:11:9: the payload length argument must be of type `length`"],
    },
    Case {
        name: "payload length not an argument",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [{ name = "length", type = "length" }]
payload = { length = "size", kind = "mime" }
"#,
        )],
        expected: &["spec/bad.toml:12:22: the payload length argument `size` is not an argument of this form"],
    },
    Case {
        name: "payload length optional",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [{ name = "length", type = "length", optional = true }]
payload = { length = "length", kind = "mime" }
"#,
        )],
        expected: &["spec/bad.toml:11:9: the payload length argument cannot be optional, repeated or prefixed"],
    },
    Case {
        name: "inherited payload loses its length argument",
        files: &[
            (
                "parent.toml",
                r#"
[version]
name = "PARENT"
doc = "A version with a payload."

[command.MSG]
doc = "Sends a message."
services = ["SB"]

[command.MSG.form.send]
from = "client"
args = [{ name = "length", type = "length" }]
payload = { length = "length", kind = "text" }
"#,
            ),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "PARENT"
doc = "A broken version."

[command.MSG.form.send]
args = [{ name = "size", type = "length", doc = "Bytes that follow." }]
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:19: the payload length argument `length` is not an argument of this form"],
    },
    Case {
        name: "a control character in documentation",
        files: &[("bad.toml", "\n[version]\nname = \"BAD\"\ndoc = \"A broken\\u001b[2J version.\"\n")],
        expected: &["spec/bad.toml:3:7: documentation holds a control character"],
    },
    // --- evidence ---------------------------------------------------------------------------------
    Case {
        name: "evidence without a kind",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ZZZ]
doc = "Does nothing."
services = ["NS"]
evidence = {}

[command.ZZZ.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &["spec/bad.toml:8:12: `evidence` needs `documented`, `seen` or `inferred`"],
    },
    Case {
        name: "evidence of an unknown kind",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.ZZZ]
doc = "Does nothing."
services = ["NS"]

[command.ZZZ.form.request]
from = "client"
evidence = { heard = "somewhere" }
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &["spec/bad.toml:11:14: unknown field `heard`, expected one of `documented`, `seen`, `inferred`"],
    },
    // --- counters ---------------------------------------------------------------------------------
    Case {
        name: "counter names arguments the form lacks",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.entry]
from = "server"
counter = { index = "idx", total = "total", per = "list" }
args = [
  { name = "total", type = "count", doc = "How many lines." },
  { name = "handle", type = "handle" },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:11:21: the counter's `index` argument `idx` is not an argument of this form",
            "spec/bad.toml:11:51: the counter's `per` argument `list` is not an argument of this form",
        ],
    },
    Case {
        name: "counter total not a number",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.entry]
from = "server"
counter = { index = "index", total = "handle" }
args = [
  { name = "index", type = "count", doc = "The line's position." },
  { name = "handle", type = "handle" },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:11:38: the counter's `total` argument `handle` must be a number (a type with check = \"uint\")",
        ],
    },
    Case {
        name: "unknown key in a counter",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.entry]
from = "server"
counter = { index = "index", total = "total", step = "index" }
args = [
  { name = "index", type = "count", doc = "The line's position." },
  { name = "total", type = "count", doc = "How many lines." },
]
"#,
        )],
        expected: &["spec/bad.toml:11:47: unknown field `step`, expected one of `index`, `total`, `per`"],
    },
    Case {
        name: "counter and counts on a client form",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.request]
from = "client"
counter = { index = "total", total = "total" }
counts = { total = "LST" }
args = [{ name = "total", type = "count", doc = "How many lines." }]
"#,
        )],
        expected: &[
            "spec/bad.toml:11:11: `counter` applies to server forms only",
            "spec/bad.toml:12:10: `counts` applies to server forms only",
        ],
    },
    Case {
        name: "counts names a non-command, an unknown command and an unknown argument",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.reply]
from = "server"
counts = { total = "lst", count = "LSX", groups = "LST" }
args = [
  { name = "total", type = "count", doc = "How many lines." },
  { name = "count", type = "count" },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:11:20: `lst` is not a command name",
            "spec/bad.toml:11:35: `counts` names `LSX`, which is not a command of `BAD`",
            "spec/bad.toml:11:42: the `counts` argument `groups` is not an argument of this form",
        ],
    },
    Case {
        name: "defines and refers misused",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.entry]
from = "server"
args = [
  { literal = "FL", defines = "group" },
  { name = "handle", type = "handle", defines = "group", refers = "group" },
  { name = "count", type = "count", refers = "Group" },
  { name = "total", type = "count", refers = "team", doc = "How many lines." },
]
"#,
        )],
        expected: &[
            "spec/bad.toml:12:31: `defines` and `refers` apply to named values, not literals",
            "spec/bad.toml:13:67: an argument either `defines` or `refers`, not both",
            "spec/bad.toml:14:46: id kind `Group` must be lowercase words joined by '-'",
            "spec/bad.toml:14:46: `refers = \"Group\"`: no argument of `BAD` defines `Group`",
            "spec/bad.toml:15:46: `refers = \"team\"`: no argument of `BAD` defines `team`",
        ],
    },
    Case {
        name: "inherited counter loses its index argument",
        files: &[
            (
                "parent.toml",
                r#"
[version]
name = "PARENT"
doc = "A version with a counter."

[command.LST]
doc = "Lists contacts."
services = ["NS"]

[command.LST.form.entry]
from = "server"
counter = { index = "index", total = "total" }
args = [
  { name = "index", type = "count", doc = "The line's position." },
  { name = "total", type = "count", doc = "How many lines." },
]
"#,
            ),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "PARENT"
doc = "A broken version."

[command.LST.form.entry]
args = [{ name = "total", type = "count", doc = "How many lines." }]
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:19: the counter's `index` argument `index` is not an argument of this form"],
    },
    // --- extends ----------------------------------------------------------------------------------
    Case {
        name: "unknown extends",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
extends = "NOPE"
doc = "A broken version."
"#,
        )],
        expected: &["spec/bad.toml:3:11: `BAD` extends `NOPE`, which is not defined"],
    },
    Case {
        name: "extends cycle",
        files: &[
            (
                "a.toml",
                r#"
[version]
name = "A"
extends = "B"
doc = "Half of a cycle."
"#,
            ),
            (
                "b.toml",
                r#"
[version]
name = "B"
extends = "A"
doc = "The other half."
"#,
            ),
        ],
        expected: &[
            "spec/a.toml:3:11: `A` is part of an `extends` cycle",
            "spec/b.toml:3:11: `B` is part of an `extends` cycle",
        ],
    },
    Case {
        name: "version extending itself",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
extends = "BAD"
doc = "A broken version."
"#,
        )],
        expected: &["spec/bad.toml:3:11: `BAD` is part of an `extends` cycle"],
    },
    Case {
        name: "abstract version extending a concrete one",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
abstract = true
doc = "A broken version."
"#,
            ),
        ],
        expected: &["spec/bad.toml:3:11: an abstract version can only extend another abstract version"],
    },
    Case {
        name: "duplicate version name",
        files: &[
            ("base.toml", BASE),
            (
                "copy.toml",
                r#"
[version]
name = "BASE"
doc = "A second version of the same name."
"#,
            ),
        ],
        expected: &["spec/copy.toml:2:8: version `BASE` is defined twice"],
    },
    // --- what a version changes -------------------------------------------------------------------
    Case {
        name: "removing what the parent lacks",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[errors]
introduces = [200]
removes = [201]

[removes.REM]
doc = "The server answers 502."
"#,
            ),
        ],
        expected: &[
            "spec/bad.toml:7:15: error 200 is already known to `BAD`",
            "spec/bad.toml:8:12: `BAD` removes error 201, which it does not have",
            "spec/bad.toml:10:10: `BAD` removes `REM`, which it does not have",
        ],
    },
    Case {
        name: "removing and changing a command",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[removes.ADD]
doc = "The server answers 502."

[command.ADD]
doc = "Adds a contact, differently."
"#,
            ),
        ],
        expected: &["spec/bad.toml:9:10: `BAD` both removes and changes `ADD`"],
    },
    Case {
        name: "remove_forms",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.ADD]
remove_forms = ["request", "nosuch"]
"#,
            ),
        ],
        expected: &["spec/bad.toml:7:28: `ADD` has no form `nosuch` to remove"],
    },
    Case {
        name: "every form removed",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.ADD]
remove_forms = ["request", "reply"]
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:10: `ADD` has no forms left in `BAD`; remove the command instead"],
    },
    Case {
        name: "new command without doc or services",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.REM]
errors = [201]

[command.REM.form.request]
from = "client"
args = [{ name = "handle", type = "handle" }]
"#,
        )],
        expected: &[
            "spec/bad.toml:5:10: `REM` is new in `BAD` and needs a doc line",
            "spec/bad.toml:5:10: `REM` is new in `BAD` and needs `services`",
        ],
    },
    Case {
        name: "new command without forms",
        files: &[(
            "bad.toml",
            r#"
[version]
name = "BAD"
doc = "A broken version."

[command.REM]
doc = "Removes a contact."
services = ["NS"]
remove_forms = ["request"]
"#,
        )],
        expected: &[
            "spec/bad.toml:5:10: `REM` is new in `BAD` and needs at least one form",
            "spec/bad.toml:8:17: `REM` is new in `BAD`; it has no form `request` to remove",
        ],
    },
    Case {
        name: "new form without args",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.ADD.form.extra]
from = "server"
doc = "A form that forgot its arguments."
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:19: form `extra` of `ADD` is new and needs `args`"],
    },
    Case {
        name: "form service the command does not list",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.ADD.form.request]
services = ["SB"]
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:19: form `request` names service SB, which `ADD` does not list"],
    },
    Case {
        name: "once on a form whose inherited `from` is client",
        files: &[
            ("base.toml", BASE),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.ADD.form.request]
once = true
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:19: `once` applies to server forms only"],
    },
    Case {
        name: "an inherited form answers a command this version removes",
        files: &[
            (
                "base.toml",
                r#"
[version]
name = "BASE"
doc = "A good version other files extend."

[command.ADD]
doc = "Adds a contact."
services = ["NS"]

[command.ADD.form.request]
from = "client"
args = []

[command.ILN]
doc = "Presence after ADD."
services = ["NS"]

[command.ILN.form.presence]
from = "server"
answers = ["ADD"]
args = []
"#,
            ),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[removes.ADD]
doc = "Gone."
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:10: `ILN`'s form `presence` answers `ADD`, which `BAD` removes"],
    },
    Case {
        name: "a command's services narrowed below an inherited form's",
        files: &[
            (
                "base.toml",
                r#"
[version]
name = "BASE"
doc = "A good version other files extend."

[command.MSG]
doc = "A message."
services = ["NS", "SB"]

[command.MSG.form.send]
from = "client"
services = ["SB"]
args = []
"#,
            ),
            (
                "bad.toml",
                r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[command.MSG]
services = ["NS"]
"#,
            ),
        ],
        expected: &["spec/bad.toml:6:10: `MSG`'s form `send` uses service SB, which `MSG` no longer lists"],
    },
    // --- web services (services.toml) ---------------------------------------------------------------
    Case {
        name: "unknown key in a service",
        files: &[(
            "services.toml",
            r#"
[service.nexus]
doc = "The nexus."
method = "GET"
paths = ["/rdr/pprdr.asp"]
since = "BASE"
verb = "GET"
"#,
        )],
        expected: &[
            "spec/services.toml:6:1: unknown field `verb`, expected one of `doc`, `kind`, `method`, `paths`, `action`, `since`, `until`, `unverified`, `evidence`, `request`, `response`",
        ],
    },
    Case {
        name: "a service without its required keys",
        files: &[("services.toml", "\n[service.nexus]\nkind = \"soap\"\n")],
        expected: &[
            "spec/services.toml:1:10: service `nexus` needs a doc line",
            "spec/services.toml:1:10: service `nexus` needs a `method`",
            "spec/services.toml:1:10: SOAP service `nexus` needs a `request.document`",
            "spec/services.toml:1:10: SOAP service `nexus` needs a `response.document`",
            "spec/services.toml:1:10: service `nexus` needs at least one path in `paths`",
            "spec/services.toml:1:10: service `nexus` needs `since`, the first version that uses it",
        ],
    },
    Case {
        name: "a service's kind, method, paths and requirements",
        files: &[
            ("base.toml", BASE),
            (
                "services.toml",
                r#"
[service.login]
doc = "Logs in."
kind = "rest"
method = "get"
paths = ["login2.srf"]
since = "BASE"
unverified = "A test."
request = { headers = ["Bad Header"], elements = ["Password"] }
"#,
            ),
        ],
        expected: &[
            "spec/services.toml:3:8: service kind `rest` must be `http` or `soap`",
            "spec/services.toml:4:10: `get` is not an HTTP method: one of GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH",
            "spec/services.toml:5:10: path `login2.srf` must start with '/' and hold no spaces, query or fragment",
            "spec/services.toml:8:24: `Bad Header` is not an HTTP header name",
            "spec/services.toml:8:51: `elements` are checked in SOAP envelopes; this service is not `soap`",
        ],
    },
    Case {
        name: "SOAP elements with prefixes and a shared action",
        files: &[
            ("base.toml", BASE),
            (
                "services.toml",
                r#"
[service.a]
doc = "A."
kind = "soap"
method = "POST"
paths = ["/a.asmx"]
action = "urn:x"
since = "BASE"
unverified = "A test."
request = { document = "wsse:Security" }
response = { document = "AResponse" }

[service.b]
doc = "B."
kind = "soap"
method = "POST"
paths = ["/a.asmx"]
action = "urn:x"
since = "BASE"
unverified = "A test."
request = { document = "B" }
response = { document = "BResponse" }
"#,
            ),
        ],
        expected: &[
            "spec/services.toml:9:24: `wsse:Security` is not an XML element's local name (no prefix, such as `wsse:`)",
            "spec/services.toml:17:10: action `urn:x` is already service `a`'s",
        ],
    },
    Case {
        name: "a service's versions",
        files: &[
            ("base.toml", BASE),
            ("v2.toml", "\n[version]\nname = \"V2\"\nextends = \"BASE\"\ndoc = \"Two.\"\n"),
            (
                "services.toml",
                r#"
[service.a]
doc = "A."
method = "GET"
paths = ["/a"]
since = "V2"
until = "BASE"
unverified = "A test."

[service.b]
doc = "B."
method = "GET"
paths = ["/b"]
since = "MSNP99"
unverified = "A test."
"#,
            ),
        ],
        expected: &[
            "spec/services.toml:6:9: `until` BASE comes before `since` V2",
            "spec/services.toml:13:9: `MSNP99` is not a version clients negotiate",
        ],
    },
];

#[test]
fn shared_files_load_cleanly() {
    assert_eq!(check(&[]), Vec::<String>::new());
    assert_eq!(check(&[("base.toml", BASE)]), Vec::<String>::new());
}

#[test]
fn every_kind_of_error_is_reported_where_it_is() {
    let mut failures = Vec::new();
    for case in CASES {
        let got = check(case.files);
        if got != case.expected {
            failures.push(format!(
                "case `{}`\n  expected:\n    {}\n  got:\n    {}",
                case.name,
                case.expected.join("\n    "),
                got.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n\n{}", failures.len(), CASES.len(), failures.join("\n\n"));
}

#[test]
fn missing_types_and_errors_files_have_no_location() {
    // A version that refers to no type or error code, so that nothing else is reported.
    let version = SourceFile {
        path: "spec/v.toml".into(),
        text: "[version]\nname = \"V\"\ndoc = \"A version without commands.\"\n".into(),
    };
    let errors = spec_from_files(vec![version]).expect_err("the spec lacks two files");
    assert_eq!(errors, ["spec: the spec has no types.toml", "spec: the spec has no errors.toml"]);
}

#[test]
fn errors_in_several_files_are_reported_together_in_file_and_position_order() {
    let errors = check(&[
        (
            "types.toml",
            r#"
[type.length]
doc = "Byte length of the payload."
check = "integer"

[type.handle]
doc = "An account handle."
check = "handle"
"#,
        ),
        (
            "errors.toml",
            r#"
[error.200]
doc = "Syntax error."

[error.2000]
doc = "Too long."
"#,
        ),
        ("base.toml", BASE),
        (
            "bad.toml",
            r#"
[version]
name = "BAD"
extends = "BASE"
doc = "A broken version."

[removes.REM]
doc = "The server answers 502."

[command.MSG]
doc = "Sends a message."
services = ["XS"]

[command.MSG.form.send]
from = "client"
args = [{ name = "length", type = "length" }]
payload = { length = "length", kind = "json" }
"#,
        ),
        (
            "broken.toml",
            r#"
[version]
name = "BROKEN"
doc = "Not TOML at all."
[[
"#,
        ),
    ]);
    // The resolve stage finds the removal of REM after the check stage found the service and payload kind,
    // yet the removal comes first: lines are sorted by file, then by position in the file.
    assert_eq!(
        errors,
        [
            "spec/types.toml:3:9: unknown check `integer`; the checks are uint, flag, token, digits, handle, url-encoded, host-port, guid, hex, locale, dotted-version, url, uint-list, timestamp, base64",
            "spec/errors.toml:4:8: error code `2000` must be three digits",
            "spec/bad.toml:6:10: `BAD` removes `REM`, which it does not have",
            "spec/bad.toml:11:13: unknown service `XS`; the services are DS, NS and SB",
            "spec/bad.toml:16:39: payload kind must be mime, xml, text or binary, not `json`",
            // The TOML parser points just past `[[`, where the name of the table should begin.
            "spec/broken.toml:4:3: unquoted keys cannot be empty, expected letters, numbers, `-`, `_`",
        ]
    );
}
