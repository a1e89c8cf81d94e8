//! Dates and times as people write them: `08.04.1963` and
//! `02.12.2026 14:30` in German, `8 Apr 1963` and `2 Dec 2026, 14:30` in
//! English. One Rust function per shape, and the Handlebars helpers
//! `{{date x}}` and `{{datetime x}}` that use them in the page's language.
//! Machine formats (JSON, the machine CSV, the election record) keep ISO.

use chrono::{NaiveDate, NaiveDateTime};
use rocket_dyn_templates::handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, ScopedJson,
};

use crate::db::models::Language;

/// A calendar date as people in `lang` write it.
pub fn date(lang: Language, date: NaiveDate) -> String {
    match lang {
        Language::De => date.format("%d.%m.%Y").to_string(),
        Language::En => date.format("%-d %b %Y").to_string(),
    }
}

/// A point in time, to the minute, as people in `lang` write it.
pub fn datetime(lang: Language, at: NaiveDateTime) -> String {
    match lang {
        Language::De => at.format("%d.%m.%Y %H:%M").to_string(),
        Language::En => at.format("%-d %b %Y, %H:%M").to_string(),
    }
}

/// Reads what a view struct or `json!` context holds: a chrono date or
/// time serialised by serde (`1963-04-08`, `2026-12-02T14:30:00.123`) or
/// the `%Y-%m-%d %H:%M` form.
fn parse(text: &str) -> Option<(NaiveDate, Option<NaiveDateTime>)> {
    let text = text.trim();
    for shape in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, shape) {
            return Some((at.date(), Some(at)));
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| (d, None))
}

/// `{{date x}}` (with_time false) and `{{datetime x}}` (true): `x` in the
/// page's language. Empty for a missing value; text that is no date is
/// shown as it is (escaped), so a page never fails over it.
pub struct DateHelper {
    pub with_time: bool,
}

impl HelperDef for DateHelper {
    // `call_inner`, so the helper also works inside another helper's
    // arguments: `{{t "key" date=(date since)}}`; Handlebars escapes the
    // result.
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let lang = ctx
            .data()
            .get("lang")
            .and_then(|l| l.as_str())
            .and_then(Language::parse)
            .unwrap_or(Language::De);
        let text = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
        let shown = match parse(text) {
            Some((_, Some(at))) if self.with_time => datetime(lang, at),
            Some((day, _)) => date(lang, day),
            None => text.to_owned(),
        };
        Ok(ScopedJson::Derived(serde_json::Value::String(shown)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let birthday = NaiveDate::from_ymd_opt(1963, 4, 8).unwrap();
        let at = NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_milli_opt(14, 30, 5, 123)
            .unwrap();
        assert_eq!(date(Language::De, birthday), "08.04.1963");
        assert_eq!(date(Language::En, birthday), "8 Apr 1963");
        assert_eq!(datetime(Language::De, at), "02.12.2026 14:30");
        assert_eq!(datetime(Language::En, at), "2 Dec 2026, 14:30");
        assert_eq!(
            parse("2026-12-02T14:30:05.123"),
            Some((at.date(), Some(at)))
        );
        assert_eq!(parse("1963-04-08"), Some((birthday, None)));
        assert_eq!(parse("nächste Woche"), None);
    }

    #[test]
    fn the_template_helpers_use_the_page_language() {
        let mut hb = Handlebars::new();
        hb.register_helper("date", Box::new(DateHelper { with_time: false }));
        hb.register_helper("datetime", Box::new(DateHelper { with_time: true }));
        hb.register_helper(
            "say",
            Box::new(
                |h: &Helper,
                 _: &Handlebars,
                 _: &Context,
                 _: &mut RenderContext,
                 out: &mut dyn rocket_dyn_templates::handlebars::Output|
                 -> rocket_dyn_templates::handlebars::HelperResult {
                    out.write(
                        h.hash_get("x")
                            .and_then(|v| v.value().as_str())
                            .unwrap_or(""),
                    )?;
                    Ok(())
                },
            ),
        );
        let page =
            "{{date born}}|{{datetime at}}|{{date at}}|{{date missing}}|{{say x=(date born)}}";
        let data = |lang: &str| serde_json::json!({"lang": lang, "born": "1963-04-08", "at": "2026-12-02T14:30:00"});
        assert_eq!(
            hb.render_template(page, &data("de")).unwrap(),
            "08.04.1963|02.12.2026 14:30|02.12.2026||08.04.1963"
        );
        assert_eq!(
            hb.render_template(page, &data("en")).unwrap(),
            "8 Apr 1963|2 Dec 2026, 14:30|2 Dec 2026||8 Apr 1963"
        );
    }
}
