//! Every CSV file the portal writes goes through [`CsvSheet`], so that no
//! cell can become a formula when an export is opened in a spreadsheet
//! (CSV injection: `=HYPERLINK(…)`, `+SUM(…)`, `@…`). The rule is OWASP's:
//! a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets
//! a leading apostrophe, which spreadsheets show as text. Plain numbers
//! (`-5`, `+3.25`) stay as they are: they are values, not formulas.
//!
//! Every export comes in two flavours ([`CsvFor`]): one for people opening
//! it in a spreadsheet and one for programs (and the member import).

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::db::models::Language;
use crate::error::{AppError, AppResult};
use crate::i18n::Catalogues;

/// Whom a CSV file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFor {
    /// A person opening the file in Excel or LibreOffice: a UTF-8 byte
    /// order mark (without it Excel reads umlauts as Latin-1), headings and
    /// values in the person's language; in German `;` between cells (German
    /// spreadsheets use `,` as the decimal comma and expect `;`) and dates
    /// as `08.04.1963`; in English `,` and ISO dates, which every
    /// spreadsheet reads as dates.
    People(Language),
    /// Programs and `votum members import`: `,`, internal values, ISO dates,
    /// no byte order mark.
    Machines,
}

impl CsvFor {
    /// Reads the `format` query parameter of an export: absent or
    /// `spreadsheet` for people in `lang`, `machine` for programs.
    pub fn from_query(format: Option<&str>, lang: Language) -> AppResult<CsvFor> {
        match format {
            None | Some("spreadsheet") => Ok(CsvFor::People(lang)),
            Some("machine") => Ok(CsvFor::Machines),
            Some(_) => Err(AppError::BadInput("csv.unknown_format")),
        }
    }

    /// The language of headings and values, `None` for machines.
    pub fn language(self) -> Option<Language> {
        match self {
            CsvFor::People(lang) => Some(lang),
            CsvFor::Machines => None,
        }
    }

    /// A word of the file: the catalogue entry `key` in the reader's
    /// language, or the internal value `machine` for programs.
    pub fn word(self, catalogues: &Catalogues, key: &str, machine: &str) -> String {
        match self {
            CsvFor::People(lang) => catalogues.get(lang, key).to_owned(),
            CsvFor::Machines => machine.to_owned(),
        }
    }

    /// A date as the reader of this file expects it.
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            CsvFor::People(Language::De) => crate::dates::date(Language::De, date),
            _ => date.to_string(),
        }
    }

    /// The file name with a suffix telling the two flavours apart.
    pub fn file_name(self, stem: &str) -> String {
        match self {
            CsvFor::People(_) => format!("{stem}.csv"),
            CsvFor::Machines => format!("{stem}-machine.csv"),
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            CsvFor::People(Language::De) => b';',
            _ => b',',
        }
    }
}

/// A CSV document being written, with every cell defused.
pub struct CsvSheet {
    out: csv::Writer<Vec<u8>>,
    reader: CsvFor,
}

impl Default for CsvSheet {
    fn default() -> Self {
        CsvSheet::new()
    }
}

impl CsvSheet {
    /// A sheet for programs (see [`CsvFor::Machines`]).
    pub fn new() -> CsvSheet {
        CsvSheet::for_reader(CsvFor::Machines)
    }

    /// A sheet for the given reader.
    pub fn for_reader(reader: CsvFor) -> CsvSheet {
        CsvSheet {
            out: csv::WriterBuilder::new()
                .delimiter(reader.delimiter())
                .from_writer(Vec::new()),
            reader,
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
        let body = self
            .out
            .into_inner()
            .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
        Ok(match self.reader {
            CsvFor::People(_) => [&b"\xEF\xBB\xBF"[..], &body].concat(),
            CsvFor::Machines => body,
        })
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

    #[test]
    fn sheets_for_german_readers_have_a_bom_semicolons_and_german_dates() {
        let reader = CsvFor::People(Language::De);
        let mut sheet = CsvSheet::for_reader(reader);
        let date = NaiveDate::from_ymd_opt(1963, 4, 8).unwrap();
        sheet.row(["Name", "Geburtsdatum"]).unwrap();
        sheet
            .row(["Müller; Anna".to_owned(), reader.date(date)])
            .unwrap();
        let bytes = sheet.into_bytes().unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "Name;Geburtsdatum\n\"Müller; Anna\";08.04.1963\n");
        assert_eq!(CsvFor::Machines.date(date), "1963-04-08");
        assert_eq!(CsvFor::People(Language::En).date(date), "1963-04-08");
    }

    #[test]
    fn the_format_parameter_chooses_the_reader_and_refuses_junk() {
        assert_eq!(
            CsvFor::from_query(None, Language::De).unwrap(),
            CsvFor::People(Language::De)
        );
        assert_eq!(
            CsvFor::from_query(Some("machine"), Language::De).unwrap(),
            CsvFor::Machines
        );
        assert!(CsvFor::from_query(Some("xlsx"), Language::De).is_err());
    }
}
