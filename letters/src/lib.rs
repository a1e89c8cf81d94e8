//! Votum's paper path: letters for members without internet.
//!
//! Each member without internet gets one printed DIN 5008 letter (form B,
//! A4 portrait, for a DL window envelope): the address in the window field,
//! a QR code holding the ballot URL with the member's voting code, the code
//! itself in large type to be typed by hand, and plain-language instructions;
//! optionally followed by a postal voting slip ([`Slip`]) on the next page.
//! A long text or a long ballot continues on following pages (at most
//! [`layout::PAGES_MAX`] each, numbered "2/3"); the first page keeps the
//! DIN 5008 layout. The print shop receives one PDF with the pages of each
//! member in order.
//!
//! [`LetterWriter`] streams that PDF to any [`std::io::Write`]: each page is
//! written as soon as it is laid out, so memory stays flat for 400,000
//! pages — only the cross-reference offsets (8 bytes per object, two objects
//! per page) and the page ids (4 bytes per page) grow with the page count.
//!
//! ```
//! use votum_letters::{Letter, LetterWriter};
//!
//! let mut pdf = LetterWriter::new(Vec::new(), "Mitgliederbefragung 2026")?;
//! pdf.write(&Letter {
//!     recipient: vec!["Jürgen Weiß".into(), "Schloßstraße 5".into(), "80331 München".into()],
//!     return_address: "Beispielpartei · Postfach 1234 · 10115 Berlin".into(),
//!     sender_block: vec!["Beispielpartei".into(), "Wahlleitung".into()],
//!     date: "23. November 2026".into(),
//!     subject: "Ihre Stimme zur Mitgliederbefragung 2026".into(),
//!     body: vec!["Guten Tag,".into(), "so stimmen Sie ab: …".into()],
//!     vote_url: "https://portal.example.org/vote/abcd?code=ABCD-EFGH-JKLM".into(),
//!     code: "ABCD-EFGH-JKLM".into(),
//!     code_label: "Ihr Abstimmungscode:".into(),
//!     footer: "Datenschutz: …".into(),
//!     slip: None,
//! })?;
//! let bytes = pdf.finish()?;
//! assert!(bytes.starts_with(b"%PDF-1.4"));
//! # Ok::<(), votum_letters::LetterError>(())
//! ```
//!
//! # Text encoding
//!
//! The letter uses the standard Type1 fonts Helvetica, Helvetica-Bold and
//! Courier-Bold with `/WinAnsiEncoding`; no font is embedded. Text is mapped
//! to WinAnsi (Windows-1252) bytes: ASCII, Latin-1 (ä ö ü Ä Ö Ü ß é …) and
//! the typographic characters of Windows-1252 („ “ – — … €) print as
//! themselves; **every other character prints as `?`** (for example Ł, ź,
//! Cyrillic, emoji, tab). The voting code itself must be printable ASCII.
//!
//! # Layout
//!
//! See the [`layout`] module for every position in millimetres.

#![warn(missing_docs)]

pub mod layout;
mod metrics;
mod qr;
mod slip;
mod text;
mod writer;

pub use slip::{Slip, SlipQuestion, SLIP_BLOCK_TOP_MM};
pub use text::unprintable;
pub use writer::LetterWriter;

/// One member's letter: everything printed on their page.
///
/// The fields `return_address`, `sender_block`, `date`, `subject`, `body`,
/// `code_label` and `footer` usually repeat from letter to letter; while
/// they do, [`LetterWriter`] lays them out once and reuses that part of the
/// page, which keeps the PDF small and fast to write.
///
/// `Debug` leaves out the code, the ballot URL (which contains the code) and
/// the address, so a letter can be logged without leaking them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Letter {
    /// Address lines for the window, top to bottom (name, street, postcode
    /// city\[, country\]); 1 to 6 lines. Set in 11 pt; a line wider than the
    /// window field (75 mm of text, about 35 characters) is set smaller, down
    /// to 8 pt; a line too wide even at 8 pt (about 48 characters) is
    /// rejected with [`LetterError::TooWide`] — an address is never cut.
    pub recipient: Vec<String>,
    /// One small line (7 pt, down to 6 pt) above the address: the address to
    /// which undeliverable letters go back. May be empty.
    pub return_address: String,
    /// Information block at the top right (organisation, returning officer,
    /// contact); together with the date at most 10 lines, each set in 10 pt
    /// and shrunk to 8 pt if needed.
    pub sender_block: Vec<String>,
    /// The date, already formatted ("23. November 2026"); printed as the last
    /// line of the information block after a blank line. May be empty.
    pub date: String,
    /// Subject line in bold, wrapped if longer than the text width.
    pub subject: String,
    /// Paragraphs of the instructions, plain text, wrapped at the text width
    /// (12 pt), continued on following pages when longer than the first.
    /// An empty string gives an empty line.
    pub body: Vec<String>,
    /// What the QR code encodes: the ballot URL with the voting code.
    pub vote_url: String,
    /// The voting code as the member types it, already grouped
    /// ("ABCD-EFGH-JKLM"); printable ASCII only.
    pub code: String,
    /// The words before the code ("Ihr Abstimmungscode:").
    pub code_label: String,
    /// Small print at the bottom of the page (7 pt), at most 3 lines.
    pub footer: String,
    /// A postal voting slip printed on the next page (or pages), carrying
    /// the same code on each; `None` for a letter without one.
    pub slip: Option<Slip>,
}

impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter")
            .field(
                "recipient",
                &format_args!("[{} lines]", self.recipient.len()),
            )
            .field("return_address", &self.return_address)
            .field("sender_block", &self.sender_block)
            .field("date", &self.date)
            .field("subject", &self.subject)
            .field("body", &format_args!("[{} paragraphs]", self.body.len()))
            .field("vote_url", &"[redacted]")
            .field("code", &"[redacted]")
            .field("code_label", &self.code_label)
            .field("footer", &self.footer)
            .field("slip", &self.slip)
            .finish()
    }
}

/// Why a letter or the PDF could not be written.
///
/// No variant carries the address, the code or the URL, so errors can be
/// logged safely. Every variant except [`LetterError::Io`] and
/// [`LetterError::Broken`] is found before anything of the page is written:
/// the writer stays usable and the letter can be corrected or skipped.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// Writing to the output failed; the PDF is incomplete.
    #[error("could not write the letters PDF: {0}")]
    Io(#[from] std::io::Error),
    /// The ballot URL needs a QR code larger than version
    /// [`layout::QR_VERSION_MAX`], whose modules would be too small to scan.
    #[error(
        "the ballot URL ({bytes} bytes) is too long for a QR code that scans reliably \
         in {} mm (at most version {}, error correction M); use a shorter URL",
        layout::QR_BOX_MM,
        layout::QR_VERSION_MAX
    )]
    QrTooLong {
        /// Length of the URL in bytes.
        bytes: usize,
    },
    /// The text and the code block of a letter, or the questions of a
    /// slip, do not fit on [`layout::PAGES_MAX`] pages.
    #[error(
        "the letter text is {overflow_lines} line(s) too long for {max} pages; \
         shorten the subject, the body or the ballot (nothing is shrunk)",
        max = layout::PAGES_MAX
    )]
    TooLong {
        /// How many body lines (12 pt) or slip options would have to go.
        overflow_lines: usize,
    },
    /// A line that may not be wrapped is too wide even at its minimum size.
    #[error("{field} line {line} is too wide for its space even at the smallest allowed size")]
    TooWide {
        /// The field of [`Letter`].
        field: &'static str,
        /// The line within the field, counted from 1.
        line: usize,
    },
    /// A field is missing or malformed.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field of [`Letter`], or `letters` for a limit of the whole file.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An earlier write failed, so the PDF cannot be completed.
    #[error("an earlier write failed; the letters PDF is incomplete and must be discarded")]
    Broken,
}
