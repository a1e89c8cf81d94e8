//! The "new survey" form turned into a survey definition, with a message
//! at every field that is wrong. Pure: the route looks up the group.
//!
//! Question slot `n` has the fields `q{n}_text`, `q{n}_kind` (single,
//! multiple, yes_no, scale5, scale10, ranking, text, number, schedule),
//! `q{n}_options` (one per line; dates for a scheduling poll), `q{n}_min`
//! and `q{n}_max` (marks, or the number range), `q{n}_low_label`,
//! `q{n}_high_label` (scale ends) and `q{n}_max_len` (free text).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use super::questions::{parse_number, Kind, Question, TEXT_LIMIT_MAX};
use crate::db::models::text_enum;
use crate::web::Fields;

/// How many question slots the form offers.
pub const SLOTS: usize = 20;

text_enum!(
    /// Who may answer (`surveys.audience`).
    Audience {
        /// Members of the group and its sub-groups.
        Group => "group",
        /// All members.
        All => "all",
        /// Anyone with the link, one answer per browser.
        Link => "link",
    }
);

text_enum!(
    /// Who sees the results, and when (`surveys.results`).
    Visibility {
        During => "during",
        After => "after",
        Owners => "owners",
    }
);

/// A survey as its owner described it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSurvey {
    pub group_slug: String,
    pub title: String,
    pub description: String,
    pub audience: Audience,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub anonymous: bool,
    pub results: Visibility,
    pub questions: Vec<Question>,
}

/// Mistakes by field name (`title`, `opens`, `q2`, ...) with message keys.
pub type Errors = Vec<(String, &'static str)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).unwrap_or("").trim()
}

fn when(fields: &Fields, prefix: &str) -> Option<NaiveDateTime> {
    let date = NaiveDate::parse_from_str(field(fields, &format!("{prefix}_date")), "%Y-%m-%d");
    let time = NaiveTime::parse_from_str(field(fields, &format!("{prefix}_time")), "%H:%M");
    Some(date.ok()?.and_time(time.ok()?))
}

/// The survey the form describes.
pub fn parse(fields: &Fields) -> Result<NewSurvey, Errors> {
    let mut errors: Errors = Vec::new();
    // Question slot fields (`q2_text`, `q2_options`) report at their slot.
    for (name, key) in
        crate::text::form_problems(fields.0.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    {
        let field = match name.split_once('_') {
            Some((slot, _)) if slot.starts_with('q') => slot,
            _ => name,
        };
        errors.push((field.to_owned(), key));
    }
    let title = field(fields, "title").to_owned();
    if title.is_empty() {
        errors.push(("title".into(), "surveys.setup.title_missing"));
    }
    let group_slug = field(fields, "group").to_owned();
    if group_slug.is_empty() {
        errors.push(("group".into(), "surveys.setup.group_unknown"));
    }
    let audience = Audience::parse(field(fields, "audience"));
    if audience.is_none() {
        errors.push(("audience".into(), "surveys.setup.choose"));
    }
    let results = Visibility::parse(field(fields, "results"));
    if results.is_none() {
        errors.push(("results".into(), "surveys.setup.choose"));
    }
    let opens = when(fields, "opens");
    let closes = when(fields, "closes");
    if opens.is_none() {
        errors.push(("opens".into(), "surveys.setup.date_invalid"));
    }
    if closes.is_none() {
        errors.push(("closes".into(), "surveys.setup.date_invalid"));
    }
    if let (Some(o), Some(c)) = (opens, closes) {
        if c <= o {
            errors.push(("closes".into(), "surveys.setup.closes_before_opens"));
        }
    }
    let mut questions = Vec::new();
    for slot in 0..SLOTS {
        let text = field(fields, &format!("q{slot}_text"));
        if text.is_empty() {
            continue;
        }
        match slot_kind(fields, slot) {
            Ok(kind) => questions.push(Question {
                text: text.to_owned(),
                kind,
            }),
            Err(key) => errors.push((format!("q{slot}"), key)),
        }
    }
    if questions.is_empty() && !errors.iter().any(|(f, _)| f.starts_with('q')) {
        errors.push(("q0".into(), "surveys.setup.no_question"));
    }
    match (audience, results, opens, closes) {
        (Some(audience), Some(results), Some(opens_at), Some(closes_at)) if errors.is_empty() => {
            Ok(NewSurvey {
                group_slug,
                title,
                description: field(fields, "description").to_owned(),
                // Nobody is logged in on a public link: its answers are
                // anonymous whatever the box says.
                anonymous: audience == Audience::Link || fields.get("anonymous").is_some(),
                audience,
                opens_at,
                closes_at,
                results,
                questions,
            })
        }
        _ => Err(errors),
    }
}

fn whole(text: &str) -> Result<Option<usize>, &'static str> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| "surveys.setup.not_a_number")
}

fn slot_kind(fields: &Fields, slot: usize) -> Result<Kind, &'static str> {
    let get = |name: &str| field(fields, &format!("q{slot}_{name}"));
    let lines: Vec<String> = get("options")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let need_options = |lines: &Vec<String>| {
        if lines.len() < 2 {
            Err("surveys.setup.two_options")
        } else {
            Ok(lines.clone())
        }
    };
    let label = |name: &str| get(name).to_owned();
    match get("kind") {
        "single" => Ok(Kind::Single {
            options: need_options(&lines)?,
        }),
        "multiple" => {
            let options = need_options(&lines)?;
            let min = whole(get("min"))?.unwrap_or(0);
            let max = whole(get("max"))?.unwrap_or(options.len());
            if max == 0 || min > max || max > options.len() {
                return Err("surveys.setup.limits_invalid");
            }
            Ok(Kind::Multiple { options, min, max })
        }
        "yes_no" => Ok(Kind::YesNo),
        "scale5" | "scale10" => {
            let (low, high) = if get("kind") == "scale5" {
                (1, 5)
            } else {
                (0, 10)
            };
            Ok(Kind::Scale {
                low,
                high,
                low_label: label("low_label"),
                high_label: label("high_label"),
            })
        }
        "ranking" => Ok(Kind::Ranking {
            options: need_options(&lines)?,
        }),
        "text" => {
            let max_len = match whole(get("max_len"))? {
                None => 500,
                Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
            };
            if max_len == 0 || max_len > TEXT_LIMIT_MAX {
                return Err("surveys.setup.text_limit_invalid");
            }
            Ok(Kind::Text { max_len })
        }
        "number" => {
            let bound = |name: &str| -> Result<Option<f64>, &'static str> {
                let text = get(name);
                if text.is_empty() {
                    Ok(None)
                } else {
                    parse_number(text)
                        .map(Some)
                        .ok_or("surveys.setup.not_a_number")
                }
            };
            let (min, max) = (bound("min")?, bound("max")?);
            if let (Some(lo), Some(hi)) = (min, max) {
                if lo > hi {
                    return Err("surveys.setup.limits_invalid");
                }
            }
            Ok(Kind::Number { min, max })
        }
        "schedule" => {
            let slots = need_options(&lines)?
                .iter()
                .map(|l| slot_date(l))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Kind::Schedule { slots })
        }
        _ => Err("surveys.setup.choose"),
    }
}

/// A scheduling poll's date line in one spelling: `YYYY-MM-DD HH:MM` or
/// `YYYY-MM-DD`; German `DD.MM.YYYY [HH:MM]` is accepted too, as people
/// write it: with a weekday in front (`Sa 19.06.2027`, `Samstag,
/// 19.6.2027`, `Sat 2027-06-19`), a two-digit year, and `Uhr` after the
/// time. A weekday that does not fit the date is refused rather than
/// guessed at.
pub fn slot_date(line: &str) -> Result<String, &'static str> {
    let mut words: Vec<&str> = line
        .split([' ', ',', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    let weekday = match words.first().and_then(|w| weekday(w)) {
        Some(day) => {
            words.remove(0);
            Some(day)
        }
        None => None,
    };
    if words.last().is_some_and(|w| w.eq_ignore_ascii_case("uhr")) {
        words.pop();
    }
    let (date, time) = match words.as_slice() {
        [date] => match date.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (*date, None),
        },
        [date, time] => (*date, Some(*time)),
        _ => return Err("surveys.setup.date_lines"),
    };
    // A two-digit year first: `%Y` would read `27` as the year 27.
    let date = two_digit_year(date)
        .or_else(|| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        .or_else(|| NaiveDate::parse_from_str(date, "%d.%m.%Y").ok())
        .ok_or("surveys.setup.date_lines")?;
    if weekday.is_some_and(|day| day != date.weekday()) {
        return Err("surveys.setup.weekday_mismatch");
    }
    match time {
        None => Ok(date.format("%Y-%m-%d").to_string()),
        Some(t) => {
            let t = NaiveTime::parse_from_str(t, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H.%M"))
                .map_err(|_| "surveys.setup.date_lines")?;
            Ok(date.and_time(t).format("%Y-%m-%d %H:%M").to_string())
        }
    }
}

/// `19.6.27`: a German date with a two-digit year, read as 20xx.
fn two_digit_year(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim_end_matches('.').split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(
        2000 + y.parse::<i32>().ok()?,
        m.parse().ok()?,
        d.parse().ok()?,
    )
}

/// A weekday written in German or English, short or long, with or without
/// a full stop: `Sa`, `Sa.`, `Samstag`, `Sat`, `Saturday`.
fn weekday(word: &str) -> Option<Weekday> {
    let word = word.trim_end_matches('.').to_lowercase();
    let days = [
        (Weekday::Mon, ["mo", "montag", "mon", "monday"]),
        (Weekday::Tue, ["di", "dienstag", "tue", "tuesday"]),
        (Weekday::Wed, ["mi", "mittwoch", "wed", "wednesday"]),
        (Weekday::Thu, ["do", "donnerstag", "thu", "thursday"]),
        (Weekday::Fri, ["fr", "freitag", "fri", "friday"]),
        (Weekday::Sat, ["sa", "samstag", "sat", "saturday"]),
        (Weekday::Sun, ["so", "sonntag", "sun", "sunday"]),
    ];
    days.iter()
        .find(|(_, names)| {
            names.contains(&word.as_str()) || (word == "sonnabend" && names[0] == "sa")
        })
        .map(|(day, _)| *day)
}

/// A stored date line as people read it: `10.12.2026 19:00`.
pub fn slot_label(slot: &str) -> String {
    if let Ok(at) = NaiveDateTime::parse_from_str(slot, "%Y-%m-%d %H:%M") {
        at.format("%d.%m.%Y %H:%M").to_string()
    } else if let Ok(day) = NaiveDate::parse_from_str(slot, "%Y-%m-%d") {
        day.format("%d.%m.%Y").to_string()
    } else {
        slot.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("title", "Nächstes Thema"),
            ("group", "ov-a1"),
            ("audience", "group"),
            ("results", "during"),
            ("opens_date", "2026-11-23"),
            ("opens_time", "09:00"),
            ("closes_date", "2026-11-30"),
            ("closes_time", "18:00"),
        ]
    }

    #[test]
    fn a_filled_form_describes_a_survey() {
        let mut pairs = base();
        pairs.extend([
            ("q0_text", "Wann?"),
            ("q0_kind", "schedule"),
            ("q0_options", "10.12.2026 19:00\n2026-12-11"),
            ("q1_text", "Wie zufrieden?"),
            ("q1_kind", "scale10"),
        ]);
        let survey = parse(&Fields::from_pairs(&pairs)).unwrap();
        assert_eq!(survey.questions.len(), 2);
        assert_eq!(
            survey.questions[0].kind,
            Kind::Schedule {
                slots: vec!["2026-12-10 19:00".into(), "2026-12-11".into()]
            }
        );
        assert!(!survey.anonymous);
        assert_eq!(slot_label("2026-12-10 19:00"), "10.12.2026 19:00");
    }

    #[test]
    fn date_lines_as_people_write_them() {
        for (line, slot) in [
            ("Sa 19.06.2027", "2027-06-19"),
            ("Sa., 19.6.2027 18:30 Uhr", "2027-06-19 18:30"),
            ("Samstag, 19.06.2027 18.30", "2027-06-19 18:30"),
            ("Sat 2027-06-19", "2027-06-19"),
            ("Sonnabend 19.6.27", "2027-06-19"),
            ("2027-06-19T18:30", "2027-06-19 18:30"),
            ("  19.06.2027  ", "2027-06-19"),
        ] {
            assert_eq!(slot_date(line), Ok(slot.to_owned()), "{line}");
        }
        assert_eq!(
            slot_date("Fr 19.06.2027"),
            Err("surveys.setup.weekday_mismatch")
        );
        for junk in [
            "morgen",
            "Sa",
            "31.02.2027",
            "19.06.2027 25:00",
            "Sa 19.06.2027 18:30 abends",
        ] {
            assert_eq!(slot_date(junk), Err("surveys.setup.date_lines"), "{junk}");
        }
    }

    #[test]
    fn every_mistake_is_named_at_its_field() {
        let pairs = [
            ("closes_date", "2026-11-01"),
            ("closes_time", "10:00"),
            ("opens_date", "2026-11-02"),
            ("opens_time", "10:00"),
            ("q0_text", "Welche?"),
            ("q0_kind", "multiple"),
            ("q0_options", "A\nB"),
            ("q0_max", "3"),
            ("q1_text", "Wann?"),
            ("q1_kind", "schedule"),
            ("q1_options", "morgen\nübermorgen"),
        ];
        let errors = parse(&Fields::from_pairs(&pairs)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, k)| format!("{f}:{k}")).collect();
        assert_eq!(
            fields,
            [
                "title:surveys.setup.title_missing",
                "group:surveys.setup.group_unknown",
                "audience:surveys.setup.choose",
                "results:surveys.setup.choose",
                "closes:surveys.setup.closes_before_opens",
                "q0:surveys.setup.limits_invalid",
                "q1:surveys.setup.date_lines",
            ]
        );
    }
}
