//! Every CSV file the portal writes goes through [`CsvSheet`], so that no
//! cell can become a formula when an export is opened in a spreadsheet
//! (CSV injection: `=HYPERLINK(…)`, `+SUM(…)`, `@…`). The rule is OWASP's:
//! a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets
//! a leading apostrophe, which spreadsheets show as text. Plain numbers
//! (`-5`, `+3.25`) stay as they are: they are values, not formulas.

use std::borrow::Cow;

use crate::error::{AppError, AppResult};

/// A CSV document being written, with every cell defused.
pub struct CsvSheet {
    out: csv::Writer<Vec<u8>>,
}

impl Default for CsvSheet {
    fn default() -> Self {
        CsvSheet::new()
    }
}

impl CsvSheet {
    pub fn new() -> CsvSheet {
        CsvSheet {
            out: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one row (a heading row too), each cell through [`defuse`].
    pub fn row<I, S>(&mut self, cells: I) -> AppResult<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.out
            .write_record(cells.into_iter().map(|c| defuse(c.as_ref()).into_owned()))
            .map_err(|e| AppError::Internal(format!("csv: {e}")))
    }

    /// The finished document.
    pub fn into_bytes(self) -> AppResult<Vec<u8>> {
        self.out
            .into_inner()
            .map_err(|e| AppError::Internal(format!("csv: {e}")))
    }
}

/// The cell as a spreadsheet will show it as text: with a leading
/// apostrophe when it would otherwise start a formula.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as it was before [`defuse`]: the apostrophe before a formula
/// start is dropped, so that an export read back by the member import
/// stores what was exported.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if defuse(rest).len() != rest.len() => rest,
        _ => cell,
    }
}

/// `-12`, `+3.5`, `-0,25`: a sign, digits, at most one decimal separator.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let mut separators = 0;
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.ends_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| {
            if c == '.' || c == ',' {
                separators += 1;
                separators == 1
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_defused() {
        for cell in [
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+SUM(A1:A9)",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1+1",
            "-",
            "+",
            "=",
            "+49 30 1234",
        ] {
            assert_eq!(defuse(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_text_and_numbers_stay() {
        for cell in [
            "Hauptstraße 1",
            "Müller",
            "",
            "-5",
            "+3",
            "-0.25",
            "-0,25",
            "42",
            "2026-11-23",
            "a=b",
        ] {
            assert_eq!(defuse(cell), cell, "{cell:?}");
        }
        for cell in ["-1.2.3", "-1e5", "-.5", "-5.", "+-5"] {
            assert_eq!(defuse(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn restore_undoes_defuse() {
        for cell in [
            "=1+1", "+49 30 1", "-2+3", "@x", "\t=1", "-5", "'quoted", "O'Brien", "",
        ] {
            assert_eq!(restore(&defuse(cell)), cell, "{cell:?}");
        }
        assert_eq!(restore("'t Hooft"), "'t Hooft");
    }

    #[test]
    fn sheet_defuses_every_cell() {
        let mut sheet = CsvSheet::new();
        sheet.row(["=head", "ok"]).unwrap();
        sheet.row(vec!["-7".to_owned(), "@x".to_owned()]).unwrap();
        let text = String::from_utf8(sheet.into_bytes().unwrap()).unwrap();
        assert_eq!(text, "'=head,ok\n-7,'@x\n");
    }
}
