//! The QR matrix for a ballot URL.
//!
//! `qrcode` builds the symbol (segments, error correction, placement); the
//! mask is chosen here. `qrcode`'s own mask selection evaluates the eight
//! masks through per-module closures and took half of the time per letter;
//! here each row and column is one `u128` bit set and the four penalty
//! rules of ISO/IEC 18004 (7.8.3) are a few shifts and popcounts. The
//! result is the same kind of choice — the lowest penalty wins, ties go to
//! the lower mask number — and any mask decodes, since the mask number is
//! part of the symbol's format information.

use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec::construct_codewords;
use qrcode::{Color, EcLevel, Version};

use crate::layout::QR_VERSION_MAX;
use crate::LetterError;

/// Error correction level M: 15 % of the symbol may be lost (a stain, a
/// crease) and the code still scans.
const EC_LEVEL: EcLevel = EcLevel::M;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A QR symbol without its quiet zone: `width` × `width` modules.
pub(crate) struct Matrix {
    /// Modules per side.
    pub(crate) width: usize,
    /// Row by row from the top, left to right; `true` is dark.
    pub(crate) dark: Vec<bool>,
}

/// Encodes `url` at error correction level M in the smallest version that
/// holds it, refusing versions above [`QR_VERSION_MAX`].
pub(crate) fn encode(url: &str) -> Result<Matrix, LetterError> {
    if url.trim().is_empty() {
        return Err(LetterError::Invalid {
            field: "vote_url",
            reason: "empty",
        });
    }
    let too_long = || LetterError::QrTooLong { bytes: url.len() };
    let bits = encode_auto(url.as_bytes(), EC_LEVEL).map_err(|_| too_long())?;
    let version = bits.version();
    let width = match version {
        Version::Normal(number) if number <= QR_VERSION_MAX => {
            usize::from(version.width().unsigned_abs())
        }
        _ => return Err(too_long()),
    };
    let (data, ec) =
        construct_codewords(&bits.into_bytes(), version, EC_LEVEL).map_err(|_| too_long())?;
    let mut canvas = Canvas::new(version, EC_LEVEL);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);

    let mut best: Option<(u32, Vec<bool>)> = None;
    for mask in MASKS {
        let mut masked = canvas.clone();
        masked.apply_mask(mask);
        let dark: Vec<bool> = masked
            .into_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        let score = penalty(&dark, width);
        if best.as_ref().is_none_or(|(lowest, _)| score < *lowest) {
            best = Some((score, dark));
        }
    }
    let (_, dark) = best.ok_or_else(too_long)?;
    Ok(Matrix { width, dark })
}

/// The ISO/IEC 18004 penalty of a masked symbol: runs of five or more
/// modules of one colour (3 + excess), 2×2 blocks of one colour (3 each),
/// finder-like 1:1:3:1:1 patterns with four light modules on one side
/// (40 each; outside the symbol counts as light) and the deviation of the
/// dark share from 50 % (10 per 5 %).
fn penalty(dark: &[bool], width: usize) -> u32 {
    let mut rows = vec![0u128; width];
    let mut columns = vec![0u128; width];
    for (y, (row, line)) in rows.iter_mut().zip(dark.chunks(width.max(1))).enumerate() {
        for (x, (&module, column)) in line.iter().zip(columns.iter_mut()).enumerate() {
            if module {
                *row |= 1 << x;
                *column |= 1 << y;
            }
        }
    }
    let lines: u32 = rows
        .iter()
        .chain(&columns)
        .map(|&line| line_penalty(line, width))
        .sum();

    let mask = (1u128 << width.saturating_sub(1)) - 1;
    let blocks: u32 = rows
        .windows(2)
        .map(|pair| match pair {
            [upper, lower] => {
                let same_right = |row: u128| !(row ^ (row >> 1)) & mask;
                (same_right(*upper) & same_right(*lower) & !(upper ^ lower) & mask).count_ones() * 3
            }
            _ => 0,
        })
        .sum();

    let dark_count = rows.iter().map(|row| row.count_ones()).sum::<u32>();
    let total = u32::try_from(width * width).unwrap_or(u32::MAX).max(1);
    let balance = (dark_count * 100 / total).abs_diff(50) / 5 * 10;

    lines + blocks + balance
}

/// Runs and finder-like patterns in one row or column (bit x = module x),
/// bit-parallel: a run is the distance between two colour changes, and a
/// pattern is found at every shift at once by and-ing shifted copies.
fn line_penalty(line: u128, width: usize) -> u32 {
    let inside = (1u128 << width) - 1;
    let mut score = 0;
    // Bit x set: module x differs from module x + 1 (the last one always
    // "differs", closing the final run).
    let mut changes = ((line ^ (line >> 1)) & (inside >> 1)) | (1 << width.saturating_sub(1));
    let mut run_start = 0;
    while changes != 0 {
        let end = changes.trailing_zeros();
        let run = end + 1 - run_start;
        if run >= 5 {
            score += 3 + run - 5;
        }
        run_start = end + 1;
        changes &= changes - 1;
    }

    // Four light modules on either side of the symbol's line, then every
    // window of 11 modules: light×4 + 1011101, or 1011101 + light×4 (first
    // module in the lowest bit).
    const LIGHT_BEFORE: u32 = 0b101_1101_0000;
    const LIGHT_AFTER: u32 = 0b000_0101_1101;
    let padded = (line & inside) << 4;
    let starts = (1u128 << width.saturating_sub(2)) - 1;
    for pattern in [LIGHT_BEFORE, LIGHT_AFTER] {
        let mut found = starts;
        for bit in 0..11 {
            let shifted = padded >> bit;
            found &= if pattern >> bit & 1 == 1 {
                shifted
            } else {
                !shifted
            };
        }
        score += found.count_ones() * 40;
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders the matrix with a 4-module quiet zone, 4 pixels a module.
    fn image(matrix: &Matrix) -> image::GrayImage {
        let side = (matrix.width + 8) * 4;
        image::GrayImage::from_fn(side as u32, side as u32, |px, py| {
            let x = (px as usize / 4).checked_sub(4);
            let y = (py as usize / 4).checked_sub(4);
            let dark = match (x, y) {
                (Some(x), Some(y)) if x < matrix.width && y < matrix.width => {
                    matrix.dark[y * matrix.width + x]
                }
                _ => false,
            };
            image::Luma([if dark { 0 } else { 255 }])
        })
    }

    #[test]
    fn matrices_decode_back_to_the_url() {
        for url in [
            "https://v.example/x",
            "https://portal.example.org/vote/mb2026?code=ABCD-EFGH-JKLM-NPQR",
            &format!("https://portal.example.org/vote/{}", "ü".repeat(100)),
        ] {
            let matrix = encode(url).unwrap();
            let mut prepared = rqrr::PreparedImage::prepare(image(&matrix));
            let grids = prepared.detect_grids();
            assert_eq!(grids.len(), 1);
            assert_eq!(grids[0].decode().unwrap().1, url);
        }
    }

    #[test]
    fn versions_above_the_maximum_are_refused() {
        // Version 12 at level M holds 287 bytes in byte mode.
        assert_eq!(encode(&"a".repeat(280)).unwrap().width, 17 + 4 * 12);
        assert!(matches!(
            encode(&"a".repeat(300)),
            Err(LetterError::QrTooLong { bytes: 300 })
        ));
        assert!(matches!(
            encode(""),
            Err(LetterError::Invalid {
                field: "vote_url",
                ..
            })
        ));
    }

    #[test]
    fn line_penalty_counts_runs_and_finder_patterns() {
        // 21 dark modules: one run, 3 + 16.
        assert_eq!(line_penalty((1 << 21) - 1, 21), 19);
        // 1011101 at the start, light after it: finder-like on both sides.
        let finder = 0b1011101;
        assert_eq!(line_penalty(finder, 21), 40 + 40 + 3 + 9);
    }

    /// The rules of [`line_penalty`] spelt out module by module.
    fn naive_line_penalty(line: u128, width: usize) -> u32 {
        let modules: Vec<bool> = (0..width).map(|x| line >> x & 1 == 1).collect();
        let mut score = 0;
        let mut x = 0;
        while x < width {
            let run = modules[x..]
                .iter()
                .take_while(|&&m| m == modules[x])
                .count();
            if run >= 5 {
                score += 3 + run as u32 - 5;
            }
            x += run;
        }
        let mut padded = vec![false; 4];
        padded.extend(&modules);
        padded.extend([false; 4]);
        let finder = [true, false, true, true, true, false, true];
        for window in padded.windows(11) {
            let light = |part: &[bool]| part.iter().all(|&m| !m);
            if window[4..] == finder && light(&window[..4]) {
                score += 40;
            }
            if window[..7] == finder && light(&window[7..]) {
                score += 40;
            }
        }
        score
    }

    #[test]
    fn bit_parallel_line_penalty_matches_the_naive_rules() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for width in [21, 33, 41, 57, 65] {
            for _ in 0..2_000 {
                // Sparse, dense and even lines, to get long runs and patterns.
                let (a, b) = (u128::from(next()), u128::from(next()));
                let line = match next() % 3 {
                    0 => (a << 64 | b) & (a >> 3 | b),
                    1 => a << 64 | b | (a >> 5),
                    _ => a << 64 | b,
                } & ((1 << width) - 1);
                assert_eq!(
                    line_penalty(line, width),
                    naive_line_penalty(line, width),
                    "{line:b}"
                );
            }
        }
    }

    #[test]
    fn penalty_of_a_checkerboard_is_only_its_balance() {
        let width = 21;
        let dark: Vec<bool> = (0..width * width)
            .map(|i| (i / width + i % width) % 2 == 0)
            .collect();
        assert_eq!(penalty(&dark, width), 0);
    }
}
