//! Strict UTC times of record version 2: exactly `YYYY-MM-DDTHH:MM:SSZ`
//! with a real calendar date (proleptic Gregorian, years 0001–9999) and a
//! real time of day (00:00:00–23:59:59, no leap second). Text of this form
//! sorts as the times do, so the order of acts is a string comparison.

/// Whether `text` is a strict UTC time of the record.
pub fn is_utc_time(text: &str) -> bool {
    const SHAPE: &[u8; 20] = b"dddd-dd-ddTdd:dd:ddZ";
    let bytes = text.as_bytes();
    let shaped = bytes.len() == SHAPE.len()
        && bytes.iter().zip(SHAPE.iter()).all(|(&c, &s)| match s {
            b'd' => c.is_ascii_digit(),
            other => c == other,
        });
    if !shaped {
        return false;
    }
    let number = |from: usize, to: usize| -> u32 {
        bytes
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .fold(0, |n, &c| n * 10 + u32::from(c - b'0'))
    };
    let (year, month, day) = (number(0, 4), number(5, 7), number(8, 10));
    let (hour, minute, second) = (number(11, 13), number(14, 16), number(17, 19));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    year >= 1 && day >= 1 && day <= days && hour < 24 && minute < 60 && second < 60
}

#[cfg(test)]
mod tests {
    use super::is_utc_time;

    #[test]
    fn only_real_calendar_times_pass() {
        for good in [
            "2026-12-03T08:30:00Z",
            "2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z",
            "0001-01-01T00:00:00Z",
        ] {
            assert!(is_utc_time(good), "{good}");
        }
        for bad in [
            "2099-13-45T25:61:61Z",
            "2026-00-10T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-12-03T24:00:00Z",
            "2026-12-03T23:60:00Z",
            "2026-12-03T23:59:60Z",
            "0000-01-01T00:00:00Z",
            "2026-12-03 08:30:00Z",
            "2026-12-03T08:30:00",
            "2026-12-03T08:30:00+00:00",
            "２026-12-03T08:30:00Z",
        ] {
            assert!(!is_utc_time(bad), "{bad}");
        }
    }
}
