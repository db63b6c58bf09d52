//! Reading and writing MSNP lines by form and argument name, for any version of the spec.

use msnp::generated::forms::usr;
use msnp::message::{Incoming, Outgoing};
use msnp::raw::{RawCommand, Tokens};
use msnp::spec::Dir;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let msnp8 = msnp::SPEC.version("MSNP8").ok_or("MSNP8 is in the spec")?;

    // Read a line the server sent: the spec decides which form it is and where each argument sits.
    let raw = RawCommand::parse("USR 7 OK example@passport.com Example%20Name 1 0", b"", Tokens::Wire);
    let ok = Incoming::parse(msnp8, Dir::Server, &raw)?;
    assert!(ok.is(usr::OK));
    assert_eq!(ok.trid(), Some(7));
    let handle: &str = ok.require(usr::args::HANDLE)?;
    assert_eq!(handle, "example@passport.com");

    // Write a line the client sends: arguments by name, in the order and shape the spec gives them.
    let line = Outgoing::new(msnp8, Dir::Client, usr::TWN_I)?
        .trid(3)
        .arg(usr::args::HANDLE, "example@passport.com")
        .to_bytes()?;
    assert_eq!(line, b"USR 3 TWN I example@passport.com\r\n");
    Ok(())
}
