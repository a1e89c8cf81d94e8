//! Numbers as people read them: shares as `50,0 %` in German and `50.0 %`
//! in English, one decimal, with a no-break space before the sign (as DIN
//! 5008 writes it). Views hand over the share as a number; the template
//! helper `{{percent x}}` writes it in the page's language, so ballot and
//! survey results cannot drift apart again.

use rocket_dyn_templates::handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, ScopedJson,
};

use crate::db::models::Language;

/// `share` (0–100) with one decimal and the percent sign, in `lang`.
pub fn percent(lang: Language, share: f64) -> String {
    let text = format!("{share:.1}");
    match lang {
        Language::De => format!("{}\u{a0}%", text.replace('.', ",")),
        Language::En => format!("{text}\u{a0}%"),
    }
}

/// `part` of `whole` as a share from 0 to 100 (0 for an empty whole).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)]
    let share = part as f64 * 100.0 / whole as f64;
    share
}

/// `{{percent x}}`: a share from 0 to 100 in the page's language.
pub struct PercentHelper;

impl HelperDef for PercentHelper {
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
        let value = h.param(0).map(|p| p.value());
        let number = value.and_then(|v| {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.replace(',', ".").parse().ok()))
        });
        let shown = number.map_or_else(String::new, |n| percent(lang, n));
        Ok(ScopedJson::Derived(serde_json::Value::String(shown)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_the_same_on_every_page() {
        assert_eq!(percent(Language::De, share(1, 2)), "50,0\u{a0}%");
        assert_eq!(percent(Language::De, share(2, 3)), "66,7\u{a0}%");
        assert_eq!(percent(Language::En, share(1, 1)), "100.0\u{a0}%");
        assert_eq!(share(3, 0), 0.0);
    }
}
