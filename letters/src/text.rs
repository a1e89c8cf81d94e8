//! Text for the standard fonts: WinAnsi encoding, widths, line breaking.
//!
//! The letter uses the standard Type1 fonts (Helvetica, Helvetica-Bold,
//! Courier-Bold) with `/WinAnsiEncoding`, so no font is embedded and every
//! printer and viewer has the glyphs. Text is therefore mapped to WinAnsi
//! (Windows-1252) bytes, one byte per glyph.

use crate::metrics::{HELVETICA, HELVETICA_BOLD};

/// The byte printed for a character that WinAnsiEncoding cannot show.
pub(crate) const REPLACEMENT: u8 = b'?';

/// Points per millimetre.
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

/// One of the three standard fonts the letter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    /// Helvetica: address, information block, body, footer.
    Regular,
    /// Helvetica-Bold: the subject line.
    Bold,
    /// Courier-Bold: the voting code, so that every character is distinct
    /// and groups line up.
    Mono,
}

impl Font {
    /// The resource name under which the font dictionary lists the font.
    pub(crate) fn resource(self) -> &'static [u8] {
        match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
            Font::Mono => b"F3",
        }
    }

    /// The PostScript name of the standard font.
    pub(crate) fn base_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
            Font::Mono => b"Courier-Bold",
        }
    }

    /// Advance width of one WinAnsi byte in 1/1000 of the font size.
    fn advance(self, byte: u8) -> u32 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
            Font::Mono => return 600,
        };
        table.get(usize::from(byte)).copied().map_or(0, u32::from)
    }

    /// Width in millimetres of encoded text set at `size` points.
    pub(crate) fn width_mm(self, text: &[u8], size: f32) -> f32 {
        let units: u32 = text.iter().map(|&b| self.advance(b)).sum();
        units as f32 / 1000.0 * size / PT_PER_MM
    }
}

/// Maps text to WinAnsiEncoding bytes.
///
/// Printable ASCII and U+00A0..=U+00FF keep their code; the typographic
/// characters of Windows-1252 (€ ‚ „ … † ‡ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ
/// ƒ ˆ) get their byte in 0x80..=0x9F. Every other character, including
/// control characters such as tab and newline, becomes `?`.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    encode_into(text, &mut out);
    out
}

/// Appends the WinAnsi bytes of `text` to `out` (see [`encode`]).
pub(crate) fn encode_into(text: &str, out: &mut Vec<u8>) {
    out.extend(text.chars().map(win_ansi));
}

/// The WinAnsi byte for one character, or [`REPLACEMENT`].
fn win_ansi(c: char) -> u8 {
    match u32::from(c) {
        code @ (0x20..=0x7E | 0xA0..=0xFF) => u8::try_from(code).unwrap_or(REPLACEMENT),
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => REPLACEMENT,
        },
    }
}

/// The first character of `text` that a letter cannot print (it would
/// print as `?`, see the crate documentation), if any. Whitespace counts
/// as printable: it only separates words.
pub fn unprintable(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c != '?' && !c.is_whitespace() && encode(c.encode_utf8(&mut [0; 4])) == [REPLACEMENT]
    })
}

/// The size at which one line fits `width_mm`: `max` if it fits there,
/// otherwise the largest size in steps of 0.1 pt that fits, as long as it is
/// at least `min`. `None` if even `min` is too large.
pub(crate) fn fit_size(font: Font, text: &[u8], max: f32, min: f32, width_mm: f32) -> Option<f32> {
    let at_one = font.width_mm(text, 1.0);
    if at_one * max <= width_mm {
        return Some(max);
    }
    let size = (width_mm / at_one * 10.0).floor() / 10.0;
    (size >= min).then_some(size)
}

/// Breaks a paragraph into lines no wider than `width_mm`.
///
/// Words are separated by any Unicode whitespace and joined by one space;
/// lines break between words (ragged right, no hyphenation). A single word
/// wider than the line (a long URL, say) is broken between characters.
/// An empty or blank paragraph gives no lines.
pub(crate) fn wrap(font: Font, size: f32, width_mm: f32, paragraph: &str) -> Vec<Vec<u8>> {
    let space = font.width_mm(b" ", size);
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut line_width = 0.0;
    for word in paragraph.split_whitespace() {
        let word = encode(word);
        let word_width = font.width_mm(&word, size);
        if !line.is_empty() && line_width + space + word_width <= width_mm {
            line.push(b' ');
            line.extend_from_slice(&word);
            line_width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width_mm {
            line = word;
            line_width = word_width;
            continue;
        }
        // Longer than a whole line: cut between characters.
        line_width = 0.0;
        for byte in word {
            let w = font.width_mm(&[byte], size);
            if !line.is_empty() && line_width + w > width_mm {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            line.push(byte);
            line_width += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umlauts_and_sharp_s_keep_their_latin1_code() {
        assert_eq!(encode("Jürgen Weiß"), b"J\xFCrgen Wei\xDF".to_vec());
        assert_eq!(encode("ÄÖÜäöü"), vec![0xC4, 0xD6, 0xDC, 0xE4, 0xF6, 0xFC]);
    }

    #[test]
    fn typographic_characters_use_the_windows_1252_range() {
        assert_eq!(
            encode("„€“ – …"),
            vec![0x84, 0x80, 0x93, b' ', 0x96, b' ', 0x85]
        );
    }

    #[test]
    fn characters_outside_win_ansi_become_question_marks() {
        assert_eq!(encode("Łódź\t✓"), b"?\xF3d???".to_vec());
        // Undefined slots of 0x80..=0x9F are not reachable either.
        assert_eq!(encode("\u{81}\u{8D}"), b"??".to_vec());
    }

    #[test]
    fn widths_follow_the_afm_metrics() {
        // "Hallo" in Helvetica: 722 + 556 + 222 + 222 + 556 = 2278 units.
        let mm = Font::Regular.width_mm(b"Hallo", 10.0);
        assert!((mm - 2.278 * 10.0 / PT_PER_MM).abs() < 1e-4);
        assert!((Font::Mono.width_mm(b"ABCD", 10.0) - 24.0 / PT_PER_MM).abs() < 1e-4);
        assert!(Font::Bold.width_mm(b"m", 10.0) > Font::Regular.width_mm(b"m", 10.0));
    }

    #[test]
    fn wrap_breaks_between_words_and_cuts_overlong_words() {
        let lines = wrap(
            Font::Regular,
            12.0,
            30.0,
            "Bitte  geben Sie\nIhre Stimme ab.",
        );
        assert!(lines.len() >= 2);
        for line in &lines {
            assert!(Font::Regular.width_mm(line, 12.0) <= 30.0);
        }
        let joined: Vec<u8> = lines.join(&b' ');
        assert_eq!(joined, b"Bitte geben Sie Ihre Stimme ab.".to_vec());

        let long = "x".repeat(100);
        let lines = wrap(Font::Regular, 12.0, 30.0, &long);
        assert!(lines.len() > 1);
        assert_eq!(lines.iter().map(Vec::len).sum::<usize>(), 100);
        assert!(wrap(Font::Regular, 12.0, 30.0, "  ").is_empty());
    }

    #[test]
    fn fit_size_shrinks_down_to_the_minimum() {
        let text = encode("Schloßstraße 5");
        assert_eq!(fit_size(Font::Regular, &text, 11.0, 8.0, 100.0), Some(11.0));
        let narrow = Font::Regular.width_mm(&text, 9.55);
        assert_eq!(fit_size(Font::Regular, &text, 11.0, 8.0, narrow), Some(9.5));
        assert_eq!(fit_size(Font::Regular, &text, 11.0, 8.0, 5.0), None);
    }
}
