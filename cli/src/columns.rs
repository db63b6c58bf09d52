//! Plain aligned columns for the terminal, laid out by comfy-table: no borders, two spaces between columns, each
//! column as wide as its widest cell in display columns, no trailing spaces.
//!
//! ```text
//!   handle             friendly name  lists
//!   bob@example.com    Bob            FL,AL,RL
//! ```

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, Table};

/// Space between two columns.
const GAP: u16 = 2;

/// `header` and `rows` as aligned text, every line indented by `indent` spaces and ending with a line end.
pub fn columns<R>(indent: u16, header: &[&str], rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator,
    R::Item: Into<Cell>,
{
    let mut table = Table::new();
    table.load_preset(NOTHING).set_header(header.to_vec()).add_rows(rows);
    let last = header.len().saturating_sub(1);
    for (index, column) in table.column_iter_mut().enumerate() {
        let left = if index == 0 { indent } else { 0 };
        let right = if index == last { 0 } else { GAP };
        column.set_padding((left, right));
    }
    table.trim_fmt().lines().map(|line| format!("{line}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::columns;

    #[test]
    fn columns_are_aligned_in_display_columns() {
        let rows = [["1", "Friends"], ["10", "名前"], ["2", ""]];
        assert_eq!(columns(0, &["id", "name"], rows), "id  name\n1   Friends\n10  名前\n2\n");
        let rows = [["名前", "x"], ["ab", "y"]];
        assert_eq!(columns(2, &["a", "b"], rows), "  a     b\n  名前  x\n  ab    y\n");
        assert_eq!(columns(2, &["id", "name"], Vec::<[&str; 2]>::new()), "  id  name\n");
    }
}
