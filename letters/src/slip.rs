//! The postal voting slip: the page (or pages) after a letter, for members who
//! vote on paper. It lists every question with a box per option, and at
//! the bottom the member's voting code as text and as a QR code holding
//! just the code, which the returning officers scan when they register the
//! returned slip. The slip carries no name: it goes back on its own.
//!
//! | Element | Position |
//! |---|---|
//! | heading | bold 14 pt, baseline 25 mm |
//! | instructions | 11 pt, 14 pt apart, from 25 mm to 190 mm |
//! | question | bold 12 pt, then its hint in 10 pt |
//! | option | a 5 mm box at 25 mm, the label 12 pt from 34 mm, 9 mm apart |
//! | code block | 42 mm high, top at 232 mm: label and code left, QR right |
//! | footer | 7 pt, last baseline 287 mm |
//! | page number | "2/3" at the top right, only when there is more than one page |
//!
//! A ballot too long for one page continues on following pages, each with
//! the heading, the footer and the code block, so that a page that comes
//! loose is still known by its code. A question's text stays with its first
//! option; when its options run over, the question's text is repeated
//! above the rest. At most [`crate::layout::PAGES_MAX`] pages.

use crate::layout::{number_pages, Canvas, PAGES_MAX, TEXT_LEFT_MM, TEXT_RIGHT_MM};
use crate::qr;
use crate::text::{encode, wrap, Font, PT_PER_MM};
use crate::LetterError;

/// What a postal voting slip shows; the same for every member of a ballot
/// and language, so [`crate::LetterWriter`] lays it out once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slip {
    /// Bold heading ("Stimmzettel: Mitgliederbefragung 2026").
    pub heading: String,
    /// How to fill in and return the slip, paragraphs of plain text.
    pub instructions: Vec<String>,
    /// The questions in ballot order.
    pub questions: Vec<SlipQuestion>,
    /// The words before the code ("Code dieses Stimmzettels:").
    pub code_label: String,
    /// Small print at the bottom, at most 3 lines.
    pub footer: String,
}

/// One question on the slip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipQuestion {
    /// The question.
    pub text: String,
    /// How to mark ("Ein Kreuz", "Nummerieren Sie …").
    pub hint: String,
    /// The option labels, each printed after a box.
    pub options: Vec<String>,
}

const HEADING_SIZE: f32 = 14.0;
const HEADING_BASELINE_MM: f32 = 25.0;
const INSTRUCTION_SIZE: f32 = 11.0;
const INSTRUCTION_LEADING_MM: f32 = 14.0 / PT_PER_MM;
const QUESTION_SIZE: f32 = 12.0;
const QUESTION_LEADING_MM: f32 = 15.0 / PT_PER_MM;
const HINT_SIZE: f32 = 10.0;
const HINT_LEADING_MM: f32 = 12.0 / PT_PER_MM;
const OPTION_SIZE: f32 = 12.0;
/// Room for a cross or a number written by hand.
const BOX_MM: f32 = 5.0;
const OPTION_LEADING_MM: f32 = 9.0;
const LABEL_LEFT_MM: f32 = TEXT_LEFT_MM + BOX_MM + 4.0;
const QUESTION_GAP_MM: f32 = 5.0;
/// Top of the code block; the questions must end above it.
pub const SLIP_BLOCK_TOP_MM: f32 = 232.0;

/// Lays out the shared part of the slip's pages: everything but the code.
pub(crate) fn template(slip: &Slip) -> Result<Vec<Vec<u8>>, LetterError> {
    if slip.questions.is_empty() {
        return Err(LetterError::Invalid {
            field: "slip",
            reason: "no questions",
        });
    }
    let width = TEXT_RIGHT_MM - TEXT_LEFT_MM;
    let label_width = TEXT_RIGHT_MM - LABEL_LEFT_MM;
    let (mut page, mut baseline) = start_page(slip)?;
    baseline += INSTRUCTION_LEADING_MM / 2.0;
    for paragraph in &slip.instructions {
        for line in wrap(Font::Regular, INSTRUCTION_SIZE, width, paragraph) {
            page.text(
                Font::Regular,
                INSTRUCTION_SIZE,
                TEXT_LEFT_MM,
                baseline,
                &line,
            );
            baseline += INSTRUCTION_LEADING_MM;
        }
        baseline += INSTRUCTION_LEADING_MM / 3.0;
    }
    let mut pages: Vec<Canvas> = Vec::new();
    // Height of what would go on pages beyond the last allowed one.
    let mut overflow_mm = 0.0;
    for question in &slip.questions {
        let text = wrap(Font::Bold, QUESTION_SIZE, width, &question.text);
        let hint = wrap(Font::Regular, HINT_SIZE, width, &question.hint);
        let options: Vec<Vec<Vec<u8>>> = question
            .options
            .iter()
            .map(|option| wrap(Font::Regular, OPTION_SIZE, label_width, option))
            .collect();
        let head =
            text.len() as f32 * QUESTION_LEADING_MM + hint.len() as f32 * HINT_LEADING_MM + 2.0;
        let first_option = options.first().map_or(0.0, |lines| option_height(lines));
        // The question, its hint and its first option stay together.
        if baseline + QUESTION_GAP_MM + head + first_option > SLIP_BLOCK_TOP_MM {
            let (next, top) = start_page(slip)?;
            pages.push(std::mem::replace(&mut page, next));
            baseline = top;
            if top + QUESTION_GAP_MM + head + first_option > SLIP_BLOCK_TOP_MM {
                return Err(too_long(top + QUESTION_GAP_MM + head + first_option));
            }
        }
        let start = baseline;
        baseline += QUESTION_GAP_MM;
        for line in &text {
            page.text(Font::Bold, QUESTION_SIZE, TEXT_LEFT_MM, baseline, line);
            baseline += QUESTION_LEADING_MM;
        }
        for line in &hint {
            page.text(Font::Regular, HINT_SIZE, TEXT_LEFT_MM, baseline, line);
            baseline += HINT_LEADING_MM;
        }
        baseline += 2.0;
        let mut page_start = start;
        for lines in &options {
            if baseline + option_height(lines) > SLIP_BLOCK_TOP_MM {
                if pages.len() >= PAGES_MAX {
                    overflow_mm += baseline - page_start;
                }
                let (next, top) = start_page(slip)?;
                pages.push(std::mem::replace(&mut page, next));
                baseline = top + QUESTION_GAP_MM;
                page_start = top;
                // The question again, so the options have their context.
                for line in &text {
                    page.text(Font::Bold, QUESTION_SIZE, TEXT_LEFT_MM, baseline, line);
                    baseline += QUESTION_LEADING_MM;
                }
                baseline += 2.0;
                if baseline + option_height(lines) > SLIP_BLOCK_TOP_MM {
                    return Err(too_long(baseline + option_height(lines)));
                }
            }
            // The box sits on the first line's baseline, 1 mm below it.
            page.square(TEXT_LEFT_MM, baseline + 1.0 - BOX_MM, BOX_MM);
            for line in lines {
                page.text(Font::Regular, OPTION_SIZE, LABEL_LEFT_MM, baseline, line);
                baseline += QUESTION_LEADING_MM;
            }
            baseline += OPTION_LEADING_MM - QUESTION_LEADING_MM;
        }
        if pages.len() >= PAGES_MAX {
            overflow_mm += baseline - page_start;
        }
    }
    if overflow_mm > 0.0 {
        return Err(LetterError::TooLong {
            overflow_lines: (overflow_mm / OPTION_LEADING_MM).ceil().max(1.0) as usize,
        });
    }
    pages.push(page);
    number_pages(&mut pages);
    let label = encode(&slip.code_label);
    pages
        .into_iter()
        .map(|mut page| {
            page.code_label(&label, SLIP_BLOCK_TOP_MM)?;
            Ok(page.finish())
        })
        .collect()
}

/// Height of an option of these lines, up to the next option.
fn option_height(lines: &[Vec<u8>]) -> f32 {
    lines.len().max(1) as f32 * QUESTION_LEADING_MM + OPTION_LEADING_MM - QUESTION_LEADING_MM
}

/// A part of the slip that reaches `bottom` although it starts a page.
fn too_long(bottom: f32) -> LetterError {
    LetterError::TooLong {
        overflow_lines: ((bottom - SLIP_BLOCK_TOP_MM) / OPTION_LEADING_MM)
            .ceil()
            .max(1.0) as usize,
    }
}

/// A new slip page with its heading and footer; returns it and the
/// baseline below the heading.
fn start_page(slip: &Slip) -> Result<(Canvas, f32), LetterError> {
    let mut page = Canvas::new();
    let width = TEXT_RIGHT_MM - TEXT_LEFT_MM;
    let mut baseline = HEADING_BASELINE_MM;
    for line in wrap(Font::Bold, HEADING_SIZE, width, &slip.heading) {
        page.text(Font::Bold, HEADING_SIZE, TEXT_LEFT_MM, baseline, &line);
        baseline += HEADING_SIZE * 1.25 / PT_PER_MM;
    }
    page.footer(&slip.footer, "slip.footer")?;
    Ok((page, baseline))
}

/// The member's part of a slip page: the code as text and as a QR code,
/// the same on every page.
pub(crate) fn personal(code: &str, template: &[u8]) -> Result<Vec<u8>, LetterError> {
    let mut page = Canvas::new();
    page.content.x_object(pdf_writer::Name(template));
    page.code(code, SLIP_BLOCK_TOP_MM)?;
    page.qr(&qr::encode(code)?, SLIP_BLOCK_TOP_MM);
    Ok(page.finish())
}
