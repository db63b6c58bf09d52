//! HTTP sections in the session: a prose line "Client sends an HTTP request to URL." starts one, its `C:` and `S:`
//! lines go to an [`Exchange`], and the next boundary ends it; the MSNP connection it interrupted is left as it was.
//! What the exchange finds is reported like any other diagnostic.

use super::{Spot, Validator};
use crate::spec::Dir;
use crate::validate::http::{Exchange, Finding};
use crate::validate::transcript::{Boundary, Kind, Line, boundary, classify};

impl Validator<'_> {
    /// Starts an HTTP section at line `number`, the prose line `bytes`.
    pub(super) fn start_http(&mut self, number: usize, bytes: &[u8]) {
        let source = String::from_utf8_lossy(bytes);
        self.http = Some(Box::new(Exchange::new(number, &source, self.options.limits.max_payload)));
        self.summary.http_exchanges += 1;
    }

    /// A line while an HTTP section is open: whether the section took it. A line it does not take (a boundary, or a
    /// `C:` line after the response began) ends the section and is read as usual.
    pub(super) fn http_line(&mut self, line: &Line<'_>) -> bool {
        let (number, bytes) = (line.number, line.bytes);
        let (dir, rest, prefix) = match classify(bytes) {
            Kind::Command(dir, rest, prefix @ ("C: " | "S: " | "C:" | "S:")) => (dir, rest, prefix),
            _ => {
                return match boundary(bytes) {
                    Some(Boundary::Resume) => {
                        self.finish_http();
                        true
                    }
                    Some(_) => {
                        self.finish_http();
                        false
                    }
                    None => true,
                };
            }
        };
        let Some(exchange) = self.http.as_mut() else { return false };
        if dir == Dir::Client && exchange.responded() {
            self.finish_http();
            return false;
        }
        let text = String::from_utf8_lossy(rest);
        let mut found = std::mem::take(&mut self.http_found);
        exchange.line(number, dir == Dir::Client, &text, prefix, &mut found);
        self.report_http(&mut found);
        self.http_found = found;
        true
    }

    /// Ends the HTTP section, if one is open, and checks its exchange.
    pub(super) fn finish_http(&mut self) {
        let Some(exchange) = self.http.take() else { return };
        let version = self.options.version.or(self.conn.version).or(self.last_version);
        let mut found = std::mem::take(&mut self.http_found);
        exchange.finish(self.options.spec, version, &mut found);
        self.report_http(&mut found);
        self.http_found = found;
    }

    fn report_http(&mut self, found: &mut Vec<Finding>) {
        for f in found.drain(..) {
            let spot = Spot { line: f.line, column: f.column, width: f.width, source: f.source };
            self.report(f.severity, f.code, spot, f.message, None, None);
        }
    }
}
