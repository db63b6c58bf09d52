//! The client's side of the spec's list counters: knowing when a numbered series of lines (`LST ... index total`,
//! or the lines a SYN reply announces) is complete, whatever the server's counters say.
//!
//! Real servers send counters that disagree (an index above its total, a total that changes between lines), so a
//! series is taken as complete once as many lines arrived as the larger of the highest index and the highest total
//! announce. A client waits for that, or for the answer to end some other way, and never for a number it cannot get.

/// Counts the lines of one numbered series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListCounter {
    lines: u64,
    /// The most lines any announcement so far implies, when one was made.
    expected: Option<u64>,
}

impl ListCounter {
    /// A series nothing was announced for yet (its lines carry their own index and total).
    pub fn new() -> Self {
        ListCounter::default()
    }

    /// A series announced up front, such as the `contacts` of an MSNP8 SYN reply.
    pub fn expecting(total: u64) -> Self {
        ListCounter { lines: 0, expected: Some(total) }
    }

    /// Records one line, with the index and total it carries (either may be absent).
    pub fn line(&mut self, index: Option<u64>, total: Option<u64>) {
        self.lines += 1;
        self.announce(index.into_iter().chain(total).max());
    }

    /// Raises the number of lines expected to `count` when that is more than expected so far.
    pub fn announce(&mut self, count: Option<u64>) {
        if let Some(count) = count {
            self.expected = Some(self.expected.map_or(count, |e| e.max(count)));
        }
    }

    /// How many lines arrived.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// How many lines the announcements imply: the largest index or total seen, when any was.
    pub fn expected(&self) -> Option<u64> {
        self.expected
    }

    /// Whether as many lines arrived as announced (an empty series is complete once announced).
    pub fn is_complete(&self) -> bool {
        self.expected.is_some_and(|e| self.lines >= e)
    }
}

#[cfg(test)]
mod tests {
    use super::ListCounter;

    /// The index and total one line carries.
    type Numbers = (Option<u64>, Option<u64>);

    #[test]
    fn complete_when_the_larger_of_index_and_total_is_reached() {
        // (lines as (index, total), whether complete after the last)
        let cases: &[(&[Numbers], bool)] = &[
            (&[], false),
            (&[(Some(0), Some(0))], true),
            (&[(Some(1), Some(2))], false),
            (&[(Some(1), Some(2)), (Some(2), Some(2))], true),
            // An index above its total: the index wins.
            (&[(Some(2), Some(1))], false),
            (&[(Some(1), Some(1)), (Some(2), Some(1))], true),
            // A total that grows: the larger one counts.
            (&[(Some(1), Some(2)), (Some(2), Some(3))], false),
            (&[(Some(1), Some(2)), (Some(2), Some(3)), (Some(3), Some(3))], true),
            (&[(None, None)], false),
        ];
        for (lines, complete) in cases {
            let mut counter = ListCounter::new();
            for (index, total) in lines.iter() {
                counter.line(*index, *total);
            }
            assert_eq!(counter.is_complete(), *complete, "{lines:?}");
            assert_eq!(counter.lines(), lines.len() as u64);
        }
    }

    #[test]
    fn an_announced_count_needs_its_lines() {
        let mut counter = ListCounter::expecting(2);
        assert!(!counter.is_complete());
        counter.line(None, None);
        assert!(!counter.is_complete());
        counter.line(None, None);
        assert!(counter.is_complete());
        assert!(ListCounter::expecting(0).is_complete());
        assert_eq!(ListCounter::expecting(3).expected(), Some(3));
    }
}
