//! IBAN and BIC checks, pure: ISO 13616 check digits (mod 97), the length
//! each country registered with SWIFT, and the ISO 9362 shape of a BIC.
//! Input may carry spaces and lower case; the normalised form is stored.

/// Why an IBAN or BIC was refused; each is a catalogue key for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankError {
    IbanCharacters,
    IbanCountry,
    IbanLength,
    IbanChecksum,
    BicFormat,
}

impl BankError {
    pub fn message_key(self) -> &'static str {
        match self {
            BankError::IbanCharacters => "bank.iban_characters",
            BankError::IbanCountry => "bank.iban_country",
            BankError::IbanLength => "bank.iban_length",
            BankError::IbanChecksum => "bank.iban_checksum",
            BankError::BicFormat => "bank.bic_format",
        }
    }
}

/// IBAN lengths by country (SWIFT IBAN registry).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// Upper case without spaces.
fn compact(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The IBAN in its electronic form (upper case, no spaces) if valid.
pub fn parse_iban(input: &str) -> Result<String, BankError> {
    let iban = compact(input);
    if iban.is_empty() || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(BankError::IbanCharacters);
    }
    let country = iban.get(..2).ok_or(BankError::IbanLength)?;
    let expected = LENGTHS
        .iter()
        .find(|(code, _)| *code == country)
        .map(|(_, len)| *len)
        .ok_or(BankError::IbanCountry)?;
    if iban.len() != expected {
        return Err(BankError::IbanLength);
    }
    let check = iban.get(2..4).ok_or(BankError::IbanLength)?;
    if !check.chars().all(|c| c.is_ascii_digit()) {
        return Err(BankError::IbanChecksum);
    }
    // ISO 13616: move the first four characters to the end, letters become
    // 10..35, and the number must be 1 modulo 97; folded digit by digit.
    let rearranged = iban.chars().skip(4).chain(iban.chars().take(4));
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = c.to_digit(36).ok_or(BankError::IbanCharacters)?;
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder != 1 {
        return Err(BankError::IbanChecksum);
    }
    Ok(iban)
}

/// The IBAN in groups of four, as printed.
pub fn display(iban: &str) -> String {
    let chars: Vec<char> = iban.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Country and the last four characters only, the rest as `•`: enough for
/// a member to recognise their account, too little to use it.
pub fn mask(iban: &str) -> String {
    let len = iban.chars().count();
    let masked: String = iban
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 2 || i + 4 >= len { c } else { '•' })
        .collect();
    display(&masked)
}

/// A BIC (8 or 11 characters: bank, country, location, optional branch),
/// upper case. Empty input is allowed: a BIC is optional within SEPA.
pub fn parse_bic(input: &str) -> Result<String, BankError> {
    let bic = compact(input);
    if bic.is_empty() {
        return Ok(bic);
    }
    let shape_ok = (bic.len() == 8 || bic.len() == 11)
        && bic.chars().all(|c| c.is_ascii_alphanumeric())
        && bic.chars().take(6).all(|c| c.is_ascii_alphabetic());
    if shape_ok {
        Ok(bic)
    } else {
        Err(BankError::BicFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ibans_from_several_countries() {
        for (input, stored) in [
            ("DE89370400440532013000", "DE89370400440532013000"),
            ("GB82WEST12345698765432", "GB82WEST12345698765432"),
            ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
            ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("NL91ABNA0417164300", "NL91ABNA0417164300"),
            ("AT611904300234573201", "AT611904300234573201"),
            ("CH9300762011623852957", "CH9300762011623852957"),
            ("BE68539007547034", "BE68539007547034"),
            ("NO9386011117947", "NO9386011117947"),
            (
                "MT84MALT011000012345MTLCAST001S",
                "MT84MALT011000012345MTLCAST001S",
            ),
        ] {
            assert_eq!(parse_iban(input), Ok(stored.to_owned()), "{input}");
        }
    }

    #[test]
    fn invalid_ibans_say_why() {
        // Check digits wrong.
        assert_eq!(
            parse_iban("DE88370400440532013000"),
            Err(BankError::IbanChecksum)
        );
        assert_eq!(
            parse_iban("GB82WEST12345698765433"),
            Err(BankError::IbanChecksum)
        );
        assert_eq!(
            parse_iban("DEXX370400440532013000"),
            Err(BankError::IbanChecksum)
        );
        // Wrong length for the country.
        assert_eq!(
            parse_iban("DE8937040044053201300"),
            Err(BankError::IbanLength)
        );
        assert_eq!(
            parse_iban("FR14200410100505000013M02606"),
            Err(BankError::IbanLength)
        );
        assert_eq!(parse_iban("D"), Err(BankError::IbanLength));
        // Unknown country.
        assert_eq!(
            parse_iban("XX89370400440532013000"),
            Err(BankError::IbanCountry)
        );
        // Bad characters.
        assert_eq!(
            parse_iban("DE89-3704-0044-0532-0130-00"),
            Err(BankError::IbanCharacters)
        );
        assert_eq!(
            parse_iban("DE89370400440532013Ö00"),
            Err(BankError::IbanCharacters)
        );
        assert_eq!(parse_iban("   "), Err(BankError::IbanCharacters));
    }

    #[test]
    fn masked_and_grouped() {
        assert_eq!(
            display("DE89370400440532013000"),
            "DE89 3704 0044 0532 0130 00"
        );
        assert_eq!(
            mask("DE89370400440532013000"),
            "DE•• •••• •••• •••• ••30 00"
        );
    }

    #[test]
    fn bics() {
        assert_eq!(parse_bic("cobadeffxxx"), Ok("COBADEFFXXX".into()));
        assert_eq!(parse_bic("DEUT DE FF"), Ok("DEUTDEFF".into()));
        assert_eq!(parse_bic(""), Ok(String::new()));
        assert_eq!(parse_bic("DEUTDEF"), Err(BankError::BicFormat));
        assert_eq!(parse_bic("DE1TDEFF"), Err(BankError::BicFormat));
        assert_eq!(parse_bic("DEUTDEFF-01"), Err(BankError::BicFormat));
    }
}
