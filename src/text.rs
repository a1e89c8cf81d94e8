//! The one check for text a person types or imports: names, addresses,
//! titles, options, messages. Stored text is printed on letters, shown on
//! pages and exported to spreadsheets, so it has a sane length and holds
//! no control characters (ESC, NUL, line breaks in a name) and no
//! bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069),
//! which make a text display as something else than it is.

/// Whether a text is one line (a name, a title) or may span lines (a
/// description, a message, a free-text answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Line,
    Lines,
}

/// Longest names (first or last name, account holder).
pub const NAME: usize = 100;
/// Longest street, address addition or city.
pub const ADDRESS: usize = 100;
/// Longest house number.
pub const HOUSE_NUMBER: usize = 20;
/// Longest postcode.
pub const POSTCODE: usize = 16;
/// Longest phone number.
pub const PHONE: usize = 40;
/// Longest e-mail address (RFC 5321 path limit).
pub const EMAIL: usize = 254;
/// Longest title, question or option.
pub const TITLE: usize = 300;
/// Longest description or message.
pub const LONG_TEXT: usize = 20_000;

/// Why a text is refused, as a catalogue key, or `None` when it is fine.
pub fn problem(value: &str, shape: Shape, max_chars: usize) -> Option<&'static str> {
    if value.chars().any(|c| forbidden(c, shape)) {
        Some("text.forbidden_character")
    } else if value.chars().count() > max_chars {
        Some("text.too_long")
    } else {
        None
    }
}

/// [`problem`] as a `Result`, for `?` in checks that return a key.
pub fn check(value: &str, shape: Shape, max_chars: usize) -> Result<(), &'static str> {
    problem(value, shape, max_chars).map_or(Ok(()), Err)
}

/// Characters no stored text may hold: control characters (a multi-line
/// text keeps line breaks and tabs) and bidirectional overrides, embeddings
/// and isolates.
pub fn forbidden(c: char, shape: Shape) -> bool {
    let layout = matches!(c, '\n' | '\r' | '\t');
    (c.is_control() && !(shape == Shape::Lines && layout))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Problems of a set-up form's fields (survey or ballot), as (field name,
/// catalogue key): `description` and `…_options` may span lines (each
/// option line is a title), every other field is one line of at most
/// [`TITLE`] characters.
pub fn form_problems<'a, I>(fields: I) -> Vec<(&'a str, &'static str)>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    fields
        .into_iter()
        .filter_map(|(name, value)| {
            let problem = if name == "description" {
                problem(value, Shape::Lines, LONG_TEXT)
            } else if name.ends_with("_options") {
                problem(value, Shape::Lines, LONG_TEXT)
                    .or_else(|| value.lines().find_map(|l| problem(l, Shape::Line, TITLE)))
            } else {
                problem(value, Shape::Line, TITLE)
            };
            problem.map(|key| (name, key))
        })
        .collect()
}

/// The English text of a refusal, for the command line.
pub fn describe(key: &str) -> &'static str {
    match key {
        "text.forbidden_character" => {
            "holds a control character or a bidirectional override (not allowed)"
        }
        "text.too_long" => "is too long",
        _ => "is not allowed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_control_and_bidi_characters() {
        for bad in [
            "Anna\nBerta",
            "Anna\r",
            "\u{1b}[31mAnna",
            "An\u{0}na",
            "Ber\u{202E}lin",
            "\u{2066}x\u{2069}",
            "a\u{7f}",
            "a\u{85}",
            "a\u{2028}b",
            "a\tb",
        ] {
            assert_eq!(
                problem(bad, Shape::Line, NAME),
                Some("text.forbidden_character"),
                "{bad:?}"
            );
        }
        for ok in [
            "Anna-Lena",
            "Çelik",
            "Müller-Lüdenscheidt",
            "محمد",
            "O'Brien",
            "",
        ] {
            assert_eq!(problem(ok, Shape::Line, NAME), None, "{ok:?}");
        }
        assert_eq!(problem("Zeile 1\r\nZeile 2\tx", Shape::Lines, 100), None);
        assert_eq!(
            problem("Zeile\u{1b}", Shape::Lines, 100),
            Some("text.forbidden_character")
        );
    }

    #[test]
    fn refuses_long_text() {
        assert_eq!(problem(&"a".repeat(NAME), Shape::Line, NAME), None);
        assert_eq!(
            problem(&"ä".repeat(NAME + 1), Shape::Line, NAME),
            Some("text.too_long")
        );
        assert_eq!(
            problem(&"a".repeat(1 << 20), Shape::Line, NAME),
            Some("text.too_long")
        );
    }
}
