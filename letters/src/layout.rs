//! The page: DIN 5008 form B on A4 portrait, for a DL window envelope.
//!
//! All positions are in millimetres from the left and from the top edge of
//! the sheet; a baseline is where the letters of a line stand.
//!
//! | Element | Position |
//! |---|---|
//! | fold marks | 105 mm and 210 mm from the top, 5–10 mm from the left edge |
//! | hole mark | 148.5 mm, 5–13 mm from the left edge |
//! | address field | 20 mm from the left, 45 mm from the top, 85 × 45 mm |
//! | return address | first line of the 17.7 mm "Zusatz- und Vermerkzone", baseline 48.5 mm, 7 pt |
//! | recipient | "Anschriftzone" from 62.7 mm, first baseline 66.4 mm, 11 pt, 12.5 pt apart |
//! | text inside the field | from 25 mm, 75 mm wide (5 mm clear of the window's sides) |
//! | information block | from 125 mm, 65 mm wide, first baseline 53.5 mm, 10 pt |
//! | subject | bold 12 pt, baseline 101.6 mm (line top at 98.46 mm) |
//! | body | 12 pt, 15 pt apart, from 25 mm to 190 mm, two blank lines after the subject |
//! | code block | 42 mm high after the body, never across the 210 mm fold |
//! | QR code | quiet zone included 42 mm square; symbol right edge at 190 mm |
//! | code | label 12 pt, code Courier-Bold 16 pt, left of the QR code from 25 mm |
//! | footer | 7 pt, last baseline 287 mm |
//! | page number | "2/3", 9 pt, right-aligned at 190 mm, baseline 15 mm, only when there is more than one page |
//!
//! The QR code never crosses a fold, so folding the letter into a DL
//! envelope does not crease it.
//!
//! A body too long for the first page continues on following pages (from
//! baseline 30 mm, with the same footer); the code block follows the last
//! line, on the next page if it does not fit below it. Only the first page
//! carries the address and the information block, only the last one the
//! code and the QR code. At most [`PAGES_MAX`] pages.

use pdf_writer::{Content, Name, Settings, Str};

use crate::qr::{self, Matrix};
use crate::text::{encode, fit_size, wrap, Font, PT_PER_MM};
use crate::{Letter, LetterError};

/// Height of an A4 sheet.
pub const PAGE_HEIGHT_MM: f32 = 297.0;
/// Width of an A4 sheet.
pub const PAGE_WIDTH_MM: f32 = 210.0;
/// Left margin of all text (DIN 5008: 25 mm).
pub const TEXT_LEFT_MM: f32 = 25.0;
/// Right edge of all text (right margin 20 mm).
pub const TEXT_RIGHT_MM: f32 = 190.0;
/// The folds of a DL letter fold.
pub const FOLDS_MM: [f32; 2] = [105.0, 210.0];
/// The hole mark (middle of the sheet).
pub const HOLE_MARK_MM: f32 = 148.5;
/// Top of the address field.
pub const ADDRESS_FIELD_TOP_MM: f32 = 45.0;
/// Top of the "Anschriftzone" below the 17.7 mm "Zusatz- und Vermerkzone".
pub const ADDRESS_ZONE_TOP_MM: f32 = 62.7;
/// Width of the text inside the address field (85 mm less 5 mm each side).
pub const ADDRESS_TEXT_WIDTH_MM: f32 = 75.0;
/// At most this many recipient lines (27.3 mm of "Anschriftzone").
pub const ADDRESS_LINES_MAX: usize = 6;
/// Size of recipient lines.
pub const ADDRESS_SIZE: f32 = 11.0;
/// Recipient lines are shrunk down to this size before they are rejected.
pub const ADDRESS_SIZE_MIN: f32 = 8.0;
/// Left edge of the information block.
pub const INFO_LEFT_MM: f32 = 125.0;
/// Most lines of the information block, the date and the blank line before
/// it included.
pub const INFO_LINES_MAX: usize = 10;
/// Top of the subject line (DIN 5008 form B).
pub const SUBJECT_TOP_MM: f32 = 98.46;
/// Size of the body text; large for older readers.
pub const BODY_SIZE: f32 = 12.0;
/// Side of the square holding the QR code and its 4-module quiet zone.
pub const QR_BOX_MM: f32 = 42.0;
/// Largest QR version accepted: 65 modules, 0.58 mm each.
pub const QR_VERSION_MAX: i16 = 12;
/// Size of the voting code.
pub const CODE_SIZE: f32 = 16.0;
/// The code is shrunk down to this size before it is rejected.
pub const CODE_SIZE_MIN: f32 = 14.0;
/// Baseline of the last footer line.
pub const FOOTER_BASELINE_MM: f32 = 287.0;
/// Most pages of one letter, and of one voting slip: a text or a ballot
/// longer than this is refused ([`crate::LetterError::TooLong`]).
pub const PAGES_MAX: usize = 6;
/// First baseline of the text on a continuation page (page 2 and after).
pub const CONTINUATION_FIRST_BASELINE_MM: f32 = 30.0;
/// Baseline of the page number ("2/3") at the top right of every page of
/// a letter or slip with more than one page.
pub const PAGE_NUMBER_BASELINE_MM: f32 = 15.0;

const TEXT_WIDTH_MM: f32 = TEXT_RIGHT_MM - TEXT_LEFT_MM;
const RETURN_BASELINE_MM: f32 = ADDRESS_FIELD_TOP_MM + 3.5;
const RETURN_SIZE: f32 = 7.0;
const RETURN_SIZE_MIN: f32 = 6.0;
const ADDRESS_FIRST_BASELINE_MM: f32 = ADDRESS_ZONE_TOP_MM + 3.7;
const ADDRESS_LEADING_MM: f32 = 12.5 / PT_PER_MM;
const INFO_WIDTH_MM: f32 = TEXT_RIGHT_MM - INFO_LEFT_MM;
const INFO_FIRST_BASELINE_MM: f32 = 53.5;
const INFO_SIZE: f32 = 10.0;
const INFO_SIZE_MIN: f32 = 8.0;
const INFO_LEADING_MM: f32 = 12.0 / PT_PER_MM;
const SUBJECT_SIZE: f32 = 12.0;
const SUBJECT_BASELINE_MM: f32 = SUBJECT_TOP_MM + 0.75 * SUBJECT_SIZE / PT_PER_MM;
const SUBJECT_LEADING_MM: f32 = 15.0 / PT_PER_MM;
const BODY_LEADING_MM: f32 = 15.0 / PT_PER_MM;
const PARAGRAPH_GAP_MM: f32 = BODY_LEADING_MM / 2.0;
/// Room below the last body baseline for descenders before the quiet zone.
const BODY_DESCENT_MM: f32 = 2.0;
const FOOTER_SIZE: f32 = 7.0;
const FOOTER_LEADING_MM: f32 = 8.5 / PT_PER_MM;
const FOOTER_LINES_MAX: usize = 3;
/// Space between the body or code block and the cap height of the footer.
const FOOTER_CLEARANCE_MM: f32 = 5.0;
/// Text left of the QR code ends 2 mm before the widest quiet zone.
const BESIDE_QR_WIDTH_MM: f32 = TEXT_RIGHT_MM - QR_BOX_MM - 2.0 - TEXT_LEFT_MM;
const LABEL_SIZE: f32 = 12.0;
const LABEL_SIZE_MIN: f32 = 10.0;
const LABEL_BASELINE_BELOW_BLOCK_MM: f32 = 9.0;
const CODE_BASELINE_BELOW_LABEL_MM: f32 = 10.0;
const MARK_WIDTH_PT: f32 = 0.5;
const PAGE_NUMBER_SIZE: f32 = 9.0;

// How the single lines are set (see [`Canvas::fitted`]).
const RETURN_FIT: Fit = Fit {
    font: Font::Regular,
    size: RETURN_SIZE,
    min: RETURN_SIZE_MIN,
    width_mm: ADDRESS_TEXT_WIDTH_MM,
};
const LABEL_FIT: Fit = Fit {
    font: Font::Regular,
    size: LABEL_SIZE,
    min: LABEL_SIZE_MIN,
    width_mm: BESIDE_QR_WIDTH_MM,
};
const INFO_FIT: Fit = Fit {
    font: Font::Regular,
    size: INFO_SIZE,
    min: INFO_SIZE_MIN,
    width_mm: INFO_WIDTH_MM,
};
const ADDRESS_FIT: Fit = Fit {
    font: Font::Regular,
    size: ADDRESS_SIZE,
    min: ADDRESS_SIZE_MIN,
    width_mm: ADDRESS_TEXT_WIDTH_MM,
};
const CODE_FIT: Fit = Fit {
    font: Font::Mono,
    size: CODE_SIZE,
    min: CODE_SIZE_MIN,
    width_mm: BESIDE_QR_WIDTH_MM,
};

/// The part of the pages shared by letters with the same texts: marks,
/// return address, information block, subject, body, code label, footer
/// and page numbers.
pub(crate) struct Template {
    /// The uncompressed content stream of each page.
    pub(crate) pages: Vec<Vec<u8>>,
    /// Top of the code block on the last page, in millimetres from the top
    /// of the sheet.
    pub(crate) block_top_mm: f32,
}

/// Lays out the shared part of `letter`'s pages.
pub(crate) fn template(letter: &Letter) -> Result<Template, LetterError> {
    let mut page = Canvas::new();
    page.marks();

    if !letter.return_address.trim().is_empty() {
        let line = encode(&letter.return_address);
        page.fitted(
            &RETURN_FIT,
            TEXT_LEFT_MM,
            RETURN_BASELINE_MM,
            &line,
            "return_address",
            1,
        )?;
    }

    info_block(&mut page, letter)?;

    let mut baseline = SUBJECT_BASELINE_MM;
    let subject = wrap(Font::Bold, SUBJECT_SIZE, TEXT_WIDTH_MM, &letter.subject);
    for line in &subject {
        page.text(Font::Bold, SUBJECT_SIZE, TEXT_LEFT_MM, baseline, line);
        baseline += SUBJECT_LEADING_MM;
    }
    if !subject.is_empty() {
        // Two blank lines after the subject (DIN 5008).
        baseline += 3.0 * BODY_LEADING_MM - SUBJECT_LEADING_MM;
    }
    let limit = page.footer(&letter.footer, "footer")?;

    let mut pages: Vec<Canvas> = Vec::new();
    // Lines that would go on pages beyond the last allowed one.
    let mut overflow_lines = 0;
    let mut last_baseline = baseline - BODY_LEADING_MM;
    for (index, paragraph) in letter.body.iter().enumerate() {
        if index > 0 {
            baseline += PARAGRAPH_GAP_MM;
        }
        let lines = wrap(Font::Regular, BODY_SIZE, TEXT_WIDTH_MM, paragraph);
        if lines.is_empty() {
            baseline += BODY_LEADING_MM;
        }
        for line in &lines {
            if baseline + BODY_DESCENT_MM > limit {
                pages.push(std::mem::replace(&mut page, continuation(letter)?));
                baseline = CONTINUATION_FIRST_BASELINE_MM;
            }
            if pages.len() >= PAGES_MAX {
                overflow_lines += 1;
            }
            page.text(Font::Regular, BODY_SIZE, TEXT_LEFT_MM, baseline, line);
            last_baseline = baseline;
            baseline += BODY_LEADING_MM;
        }
    }

    let block_top_mm = match code_block_top(last_baseline + BODY_DESCENT_MM, limit) {
        Ok(top) => top,
        Err(LetterError::TooLong {
            overflow_lines: block_lines,
        }) if pages.len() + 1 >= PAGES_MAX => {
            // The last page allowed is full: the lines that would have to
            // go for the code block to fit on it.
            return Err(LetterError::TooLong {
                overflow_lines: overflow_lines + block_lines,
            });
        }
        Err(_) => {
            // The code block goes on a page of its own, below the body.
            pages.push(std::mem::replace(&mut page, continuation(letter)?));
            let top = CONTINUATION_FIRST_BASELINE_MM - 0.72 * BODY_SIZE / PT_PER_MM;
            code_block_top(top, limit)?
        }
    };
    if overflow_lines > 0 {
        let block_lines = (QR_BOX_MM / BODY_LEADING_MM).ceil() as usize;
        return Err(LetterError::TooLong {
            overflow_lines: overflow_lines + block_lines,
        });
    }

    page.code_label(&encode(&letter.code_label), block_top_mm)?;
    pages.push(page);
    number_pages(&mut pages);

    Ok(Template {
        pages: pages.into_iter().map(Canvas::finish).collect(),
        block_top_mm,
    })
}

/// A fresh continuation page of `letter`: fold marks and the footer.
fn continuation(letter: &Letter) -> Result<Canvas, LetterError> {
    let mut page = Canvas::new();
    page.marks();
    page.footer(&letter.footer, "footer")?;
    Ok(page)
}

/// Writes "n/N" at the top right of every page when there is more than one.
pub(crate) fn number_pages(pages: &mut [Canvas]) {
    let total = pages.len();
    if total < 2 {
        return;
    }
    for (index, page) in pages.iter_mut().enumerate() {
        let number = format!("{}/{total}", index + 1).into_bytes();
        let width = Font::Regular.width_mm(&number, PAGE_NUMBER_SIZE);
        page.text(
            Font::Regular,
            PAGE_NUMBER_SIZE,
            TEXT_RIGHT_MM - width,
            PAGE_NUMBER_BASELINE_MM,
            &number,
        );
    }
}

/// Where the code block goes when the text above it ends at `text_end`:
/// right below the text, but pushed below the 210 mm fold rather than
/// across it. [`LetterError::TooLong`] if it would reach below `limit`.
fn code_block_top(text_end: f32, limit: f32) -> Result<f32, LetterError> {
    let mut top = text_end;
    for fold in FOLDS_MM {
        if top < fold && top + QR_BOX_MM > fold {
            top = fold;
        }
    }
    if top + QR_BOX_MM <= limit {
        return Ok(top);
    }
    // Past the last fold the block follows the text directly, so every
    // line removed from the body lifts it by one leading.
    let overflow_mm = text_end + QR_BOX_MM - limit;
    let overflow_lines = (overflow_mm / BODY_LEADING_MM).ceil().max(1.0) as usize;
    Err(LetterError::TooLong { overflow_lines })
}

fn info_block(page: &mut Canvas, letter: &Letter) -> Result<(), LetterError> {
    let date = !letter.date.trim().is_empty();
    let lines = letter.sender_block.len() + if date { 2 } else { 0 };
    if lines > INFO_LINES_MAX {
        return Err(LetterError::Invalid {
            field: "sender_block",
            reason: "more lines than the information block holds (10 with the date)",
        });
    }
    let mut baseline = INFO_FIRST_BASELINE_MM;
    for (index, line) in letter.sender_block.iter().enumerate() {
        let line = encode(line);
        page.fitted(
            &INFO_FIT,
            INFO_LEFT_MM,
            baseline,
            &line,
            "sender_block",
            index + 1,
        )?;
        baseline += INFO_LEADING_MM;
    }
    if date {
        let line = encode(&letter.date);
        baseline += INFO_LEADING_MM;
        page.fitted(&INFO_FIT, INFO_LEFT_MM, baseline, &line, "date", 1)?;
    }
    Ok(())
}

/// Lays out one member's part of each of the `pages` pages on top of the
/// template, which each content stream draws first as the form XObject
/// named `template`: the address on the first page, the code and the QR
/// code on the last.
pub(crate) fn personal(
    letter: &Letter,
    block_top_mm: f32,
    pages: usize,
    template: &[u8],
) -> Result<Vec<Vec<u8>>, LetterError> {
    let mut first = Canvas::new();
    first.content.x_object(Name(template));

    if letter.recipient.len() > ADDRESS_LINES_MAX {
        return Err(LetterError::Invalid {
            field: "recipient",
            reason: "more than 6 address lines",
        });
    }
    if letter.recipient.iter().all(|line| line.trim().is_empty()) {
        return Err(LetterError::Invalid {
            field: "recipient",
            reason: "no address",
        });
    }
    let mut baseline = ADDRESS_FIRST_BASELINE_MM;
    for (index, line) in letter.recipient.iter().enumerate() {
        let line = encode(line);
        first.fitted(
            &ADDRESS_FIT,
            TEXT_LEFT_MM,
            baseline,
            &line,
            "recipient",
            index + 1,
        )?;
        baseline += ADDRESS_LEADING_MM;
    }
    let mut out = vec![first];
    for _ in 1..pages {
        let mut page = Canvas::new();
        page.content.x_object(Name(template));
        out.push(page);
    }
    let last = out.last_mut().ok_or(LetterError::Broken)?;
    last.code(&letter.code, block_top_mm)?;
    last.qr(&qr::encode(&letter.vote_url)?, block_top_mm);
    Ok(out.into_iter().map(Canvas::finish).collect())
}

/// How a single line is set: its font, the size it starts at, the smallest
/// size it may shrink to, and the width it must fit.
struct Fit {
    font: Font,
    size: f32,
    min: f32,
    width_mm: f32,
}

/// A content stream under construction, addressed in millimetres.
pub(crate) struct Canvas {
    pub(crate) content: Content,
}

impl Canvas {
    pub(crate) fn new() -> Self {
        Canvas {
            content: Content::with_settings(Settings { pretty: false }),
        }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.content.finish().into_vec()
    }

    /// The small print at the bottom (at most 3 lines, ending at
    /// [`FOOTER_BASELINE_MM`]); returns how far down text above it may go.
    pub(crate) fn footer(&mut self, text: &str, field: &'static str) -> Result<f32, LetterError> {
        let footer = wrap(Font::Regular, FOOTER_SIZE, TEXT_WIDTH_MM, text);
        if footer.len() > FOOTER_LINES_MAX {
            return Err(LetterError::Invalid {
                field,
                reason: "longer than 3 lines at the text width",
            });
        }
        let footer_lines = footer.len().max(1) as f32;
        let footer_first = FOOTER_BASELINE_MM - (footer_lines - 1.0) * FOOTER_LEADING_MM;
        for (index, line) in footer.iter().enumerate() {
            let line_baseline = footer_first + index as f32 * FOOTER_LEADING_MM;
            self.text(
                Font::Regular,
                FOOTER_SIZE,
                TEXT_LEFT_MM,
                line_baseline,
                line,
            );
        }
        Ok(footer_first - 0.72 * FOOTER_SIZE / PT_PER_MM - FOOTER_CLEARANCE_MM)
    }

    /// The words before the code, in the code block starting at `block_top`.
    pub(crate) fn code_label(&mut self, label: &[u8], block_top: f32) -> Result<(), LetterError> {
        let baseline = block_top + LABEL_BASELINE_BELOW_BLOCK_MM;
        self.fitted(&LABEL_FIT, TEXT_LEFT_MM, baseline, label, "code_label", 1)
    }

    /// The voting code below its label, large enough to type from.
    pub(crate) fn code(&mut self, code: &str, block_top: f32) -> Result<(), LetterError> {
        if code.trim().is_empty() {
            return Err(LetterError::Invalid {
                field: "code",
                reason: "empty",
            });
        }
        if !code.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            return Err(LetterError::Invalid {
                field: "code",
                reason: "must be printable ASCII so that it can be typed",
            });
        }
        let baseline = block_top + LABEL_BASELINE_BELOW_BLOCK_MM + CODE_BASELINE_BELOW_LABEL_MM;
        self.fitted(
            &CODE_FIT,
            TEXT_LEFT_MM,
            baseline,
            code.as_bytes(),
            "code",
            1,
        )
    }

    /// An empty square for a hand-written mark, top left at (`x`, `top`).
    pub(crate) fn square(&mut self, x: f32, top: f32, side: f32) {
        self.content
            .set_line_width(0.8)
            .rect(
                pt_x(x),
                pt_y(top + side),
                side * PT_PER_MM,
                side * PT_PER_MM,
            )
            .stroke();
    }

    /// One line of encoded text with its baseline starting at (`x`, `baseline`).
    /// Sets `line` at the largest size from `fit.size` down to `fit.min`
    /// that fits its width; a line too wide even then is refused with
    /// [`LetterError::TooWide`] naming `field` and line `number`, never cut.
    fn fitted(
        &mut self,
        fit: &Fit,
        x: f32,
        baseline: f32,
        line: &[u8],
        field: &'static str,
        number: usize,
    ) -> Result<(), LetterError> {
        let size = fit_size(fit.font, line, fit.size, fit.min, fit.width_mm).ok_or(
            LetterError::TooWide {
                field,
                line: number,
            },
        )?;
        self.text(fit.font, size, x, baseline, line);
        Ok(())
    }

    pub(crate) fn text(&mut self, font: Font, size: f32, x: f32, baseline: f32, line: &[u8]) {
        self.content
            .begin_text()
            .set_font(Name(font.resource()), size)
            .next_line(pt_x(x), pt_y(baseline))
            .show(Str(line))
            .end_text();
    }

    /// Fold marks and the hole mark on the left edge.
    pub(crate) fn marks(&mut self) {
        self.content.set_line_width(MARK_WIDTH_PT);
        for (y, length) in [(FOLDS_MM[0], 5.0), (HOLE_MARK_MM, 8.0), (FOLDS_MM[1], 5.0)] {
            self.content
                .move_to(pt_x(5.0), pt_y(y))
                .line_to(pt_x(5.0 + length), pt_y(y));
        }
        self.content.stroke();
    }

    /// The QR symbol with its right edge on the text margin, its quiet zone
    /// starting at `block_top`. Dark modules are drawn in module units as
    /// one filled path of horizontal runs, so the code stays sharp at any
    /// resolution and adjacent runs leave no seams.
    pub(crate) fn qr(&mut self, code: &Matrix, block_top: f32) {
        let width = code.width;
        let modules = width as f32;
        let module_mm = QR_BOX_MM / (modules + 8.0);
        let left = TEXT_RIGHT_MM - modules * module_mm;
        let bottom = block_top + 4.0 * module_mm + modules * module_mm;
        let scale = (module_mm * PT_PER_MM * 1000.0).round() / 1000.0;
        self.content
            .save_state()
            .transform([scale, 0.0, 0.0, scale, pt_x(left), pt_y(bottom)]);
        for (row, cells) in code.dark.chunks(width.max(1)).enumerate() {
            let y = (width - 1 - row) as f32;
            let mut run_start = None;
            for (column, &is_dark) in cells.iter().chain(std::iter::once(&false)).enumerate() {
                match (is_dark, run_start) {
                    (true, None) => run_start = Some(column),
                    (false, Some(start)) => {
                        self.content
                            .rect(start as f32, y, (column - start) as f32, 1.0);
                        run_start = None;
                    }
                    _ => {}
                }
            }
        }
        self.content.fill_nonzero().restore_state();
    }
}

/// Millimetres from the left edge to points, rounded to 1/100 pt.
fn pt_x(mm: f32) -> f32 {
    (mm * PT_PER_MM * 100.0).round() / 100.0
}

/// Millimetres from the top edge to points from the bottom, rounded.
fn pt_y(mm: f32) -> f32 {
    ((PAGE_HEIGHT_MM - mm) * PT_PER_MM * 100.0).round() / 100.0
}

/// The page size in points, rounded as in [`pt_x`].
pub(crate) fn page_size_pt() -> (f32, f32) {
    (pt_x(PAGE_WIDTH_MM), pt_x(PAGE_HEIGHT_MM))
}
