//! The `msnp` command: a thin entry point over [`msnp_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    msnp_cli::run(std::env::args_os(), &mut stdin.lock(), &mut stdout, &mut stderr)
}
