//! The voting code: 128 random bits in a form people can type.
//!
//! Text form ([Crockford base32](https://www.crockford.com/base32.html)):
//! the 16 bytes read as one big-endian 128-bit number, written as 26 base-32
//! symbols, most significant first (26 × 5 = 130 bits whose top two are
//! zero, so the first symbol is always 0–7), then one check symbol: the number modulo 37, written with
//! Crockford's check alphabet `0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U`. The
//! 27 symbols are shown in groups of four joined by `-`, the last group
//! having three (two code symbols and the check symbol):
//! `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXC`, 33 characters.
//!
//! Because 37 is prime and larger than 32, the check symbol catches every
//! single mistyped symbol and every swap of two neighbouring symbols.

use crate::CryptoError;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Crockford's check alphabet. Its first 32 symbols are the encoding
/// alphabet (digits and letters without I, L, O, U); `*~$=U` stand for 32–36.
const CHECK_SYMBOLS: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
/// Code symbols before the check symbol.
const DATA_LEN: usize = 26;
/// All symbols of a code, check symbol included.
const TOTAL_LEN: usize = DATA_LEN + 1;

/// A 128-bit voting code. Secret: `Debug` hides it and it is wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Code([u8; 16]);

/// Why typed text is not a voting code. Messages never repeat the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Nothing but spaces and hyphens.
    #[error("no code entered")]
    Empty,
    /// Not 27 symbols once spaces and hyphens are removed.
    #[error("a code has 27 characters, {found} entered")]
    WrongLength {
        /// Symbols found.
        found: usize,
    },
    /// A character that cannot appear at its place in a code.
    #[error("the character {0:?} does not occur in codes")]
    InvalidCharacter(char),
    /// The symbols do not form an issued code: the check symbol does not
    /// match (a mistyped or swapped symbol), or the first symbol is above 7.
    #[error("the code is mistyped")]
    CheckFailed,
}

impl Code {
    /// Draws a fresh code from the operating system's CSPRNG (ring).
    pub fn generate() -> Result<Code, CryptoError> {
        let mut code = Code([0u8; 16]);
        crate::fill_random(&mut code.0)?;
        Ok(code)
    }

    /// A code from known bytes, for tests and for importing codes made
    /// elsewhere.
    pub fn from_bytes(bytes: [u8; 16]) -> Code {
        Code(bytes)
    }

    /// The 16 code bytes (the HKDF input of [`super::CredentialKey::derive`]).
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The printed form, e.g. `6XKA-8H2M-QW4T-ZZ7C-1B9D-RE5N-0F$` (see the
    /// module documentation). The returned string is as secret as the code.
    pub fn display(&self) -> String {
        let value = u128::from_be_bytes(self.0);
        let mut out = String::with_capacity(TOTAL_LEN + TOTAL_LEN / 4);
        for i in 0..TOTAL_LEN {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(symbol_at(value, i));
        }
        out
    }

    /// Reads a typed or scanned code.
    ///
    /// Case does not matter; spaces (any whitespace) and hyphens are ignored;
    /// `O` is read as `0` and `I`, `L` as `1`, as Crockford prescribes. The
    /// check-only symbols `*~$=U` are accepted only in the last place.
    pub fn parse(text: &str) -> Result<Code, CodeError> {
        let mut values = Vec::with_capacity(TOTAL_LEN);
        for c in text.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let value = check_value(c).ok_or(CodeError::InvalidCharacter(c))?;
            values.push((c, value));
        }
        if values.is_empty() {
            return Err(CodeError::Empty);
        }
        let Some(((_, check), data)) = values.split_last() else {
            return Err(CodeError::Empty);
        };
        if values.len() != TOTAL_LEN {
            return Err(CodeError::WrongLength {
                found: values.len(),
            });
        }
        if let Some(&(c, _)) = data.iter().find(|(_, value)| *value >= 32) {
            return Err(CodeError::InvalidCharacter(c));
        }
        // The first symbol carries the top three of 128 bits and two bits
        // above them, which must be zero.
        if data.first().is_some_and(|(_, value)| *value > 7) {
            return Err(CodeError::CheckFailed);
        }
        let number = data.iter().fold(0u128, |number, &(_, value)| {
            (number << 5) | u128::from(value)
        });
        if number % 37 != u128::from(*check) {
            return Err(CodeError::CheckFailed);
        }
        Ok(Code(number.to_be_bytes()))
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(<redacted>)")
    }
}

/// Symbol `i` (0-based, check symbol last) of the printed code for `value`.
fn symbol_at(value: u128, i: usize) -> char {
    let index = if i < DATA_LEN {
        // At most 31 after masking, so the cast is lossless.
        ((value >> (5 * (DATA_LEN - 1 - i))) & 31) as usize
    } else {
        (value % 37) as usize
    };
    CHECK_SYMBOLS.get(index).map_or('?', |&b| char::from(b))
}

/// The value of a symbol in the check alphabet (0–36), with Crockford's
/// aliases; `None` for a character that is never part of a code.
fn check_value(c: char) -> Option<u8> {
    let upper = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    let byte = u8::try_from(upper).ok()?;
    let index = CHECK_SYMBOLS.iter().position(|&s| s == byte)?;
    u8::try_from(index).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Code {
        Code::from_bytes([
            0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc,
            0xba, 0x98,
        ])
    }

    #[test]
    fn display_has_the_documented_shape() {
        let text = sample().display();
        assert_eq!(text.len(), 33);
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(groups.len(), 7);
        assert!(groups[..6].iter().all(|g| g.len() == 4));
        assert_eq!(groups[6].len(), 3);
        assert!(matches!(text.chars().next(), Some('0'..='7')));
        // Known value: 0 is all zeros with check 0, u128::MAX has check
        // MAX mod 37.
        assert_eq!(
            Code::from_bytes([0; 16]).display(),
            "0000-0000-0000-0000-0000-0000-000"
        );
        // Known answer, also given in docs/election-record.md.
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(
            Code::from_bytes(counting).display(),
            "0004-1061-050R-3GG2-8A1C-60T3-GF6"
        );
        let max = Code::from_bytes([0xff; 16]).display();
        let check = CHECK_SYMBOLS[(u128::MAX % 37) as usize] as char;
        assert_eq!(max, format!("7ZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ{check}"));
    }

    #[test]
    fn parse_round_trips_and_forgives_case_spacing_and_aliases() {
        for _ in 0..200 {
            let code = Code::generate().unwrap();
            let text = code.display();
            assert_eq!(Code::parse(&text).unwrap(), code);
            let sloppy = text.to_lowercase().replace('-', " ");
            assert_eq!(Code::parse(&sloppy).unwrap(), code);
            let aliased = text.replace('0', "o").replace('1', "l");
            assert_eq!(Code::parse(&aliased).unwrap(), code);
            let aliased = text.replace('1', "I");
            assert_eq!(Code::parse(&aliased).unwrap(), code);
        }
    }

    #[test]
    fn parse_errors_are_specific() {
        assert_eq!(Code::parse(""), Err(CodeError::Empty));
        assert_eq!(Code::parse(" - -"), Err(CodeError::Empty));
        assert_eq!(
            Code::parse("ABCD-EFGH"),
            Err(CodeError::WrongLength { found: 8 })
        );
        let text = sample().display();
        assert_eq!(
            Code::parse(&format!("{text}X")),
            Err(CodeError::WrongLength { found: 28 })
        );
        assert_eq!(
            Code::parse(&text.replacen('-', ".", 1)),
            Err(CodeError::InvalidCharacter('.'))
        );
        // U is a check symbol only.
        let mut chars: Vec<char> = text.chars().collect();
        chars[1] = 'u';
        let with_u: String = chars.iter().collect();
        assert_eq!(Code::parse(&with_u), Err(CodeError::InvalidCharacter('u')));
        // A first symbol above 7 would need more than 128 bits.
        chars[0] = '8';
        chars[1] = text.chars().nth(1).unwrap();
        let too_big: String = chars.iter().collect();
        assert_eq!(Code::parse(&too_big), Err(CodeError::CheckFailed));
    }

    /// Every single-symbol substitution and every swap of neighbours in one
    /// code is refused.
    #[test]
    fn check_symbol_catches_all_single_errors_and_adjacent_swaps() {
        for code in [
            sample(),
            Code::from_bytes([0; 16]),
            Code::from_bytes([0xff; 16]),
        ] {
            let symbols: Vec<u8> = code.display().bytes().filter(|&b| b != b'-').collect();
            assert_eq!(symbols.len(), TOTAL_LEN);
            let mut tried = 0;
            for pos in 0..TOTAL_LEN {
                for &replacement in CHECK_SYMBOLS.iter() {
                    if replacement == symbols[pos] {
                        continue;
                    }
                    let mut typed = symbols.clone();
                    typed[pos] = replacement;
                    let typed = String::from_utf8(typed).unwrap();
                    assert!(
                        Code::parse(&typed).is_err(),
                        "substitution accepted: {typed}"
                    );
                    tried += 1;
                }
            }
            assert_eq!(tried, TOTAL_LEN * 36);
            for pos in 0..TOTAL_LEN - 1 {
                if symbols[pos] == symbols[pos + 1] {
                    continue;
                }
                let mut typed = symbols.clone();
                typed.swap(pos, pos + 1);
                let typed = String::from_utf8(typed).unwrap();
                assert!(Code::parse(&typed).is_err(), "swap accepted: {typed}");
            }
        }
    }

    #[test]
    fn debug_is_redacted_and_codes_differ() {
        let code = Code::generate().unwrap();
        assert_eq!(format!("{code:?}"), "Code(<redacted>)");
        assert_ne!(code, Code::generate().unwrap());
    }

    #[test]
    fn errors_never_show_the_code() {
        let text = sample().display();
        let mut chars: Vec<char> = text.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.iter().collect();
        let error = Code::parse(&typo).unwrap_err();
        assert_eq!(error, CodeError::CheckFailed);
        assert!(!error.to_string().contains(&text[..4]));
    }
}
