//! Message catalogues (`locales/<lang>.toml`, embedded at build time) and the
//! Handlebars helper `{{t "key" name=value}}` that looks up a message in the
//! page's language (`lang` at the root of every page context).

use std::collections::HashMap;
use std::sync::Arc;

use rocket::request::{FromRequest, Outcome, Request};
use rocket_dyn_templates::handlebars::{
    self, Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext,
};

pub use crate::db::models::Language;

const SOURCES: [(Language, &str); 2] = [
    (Language::De, include_str!("../locales/de.toml")),
    (Language::En, include_str!("../locales/en.toml")),
];

/// All messages of all languages, keyed by language then dotted key.
#[derive(Debug)]
pub struct Catalogues(HashMap<Language, HashMap<String, String>>);

impl Catalogues {
    /// Parses the embedded catalogues; a broken catalogue is a build defect,
    /// caught by the test suite, so it fails start-up loudly.
    pub fn load() -> Result<Catalogues, String> {
        let mut all = HashMap::new();
        for (lang, source) in SOURCES {
            let table: toml::Table = source
                .parse()
                .map_err(|e| format!("locales/{lang}.toml: {e}"))?;
            let mut flat = HashMap::new();
            flatten("", &table, &mut flat);
            all.insert(lang, flat);
        }
        Ok(Catalogues(all))
    }

    /// The message for `key`, falling back to German, then to the key itself
    /// so a missing message is visible rather than blank.
    pub fn get<'a>(&'a self, lang: Language, key: &'a str) -> &'a str {
        self.0
            .get(&lang)
            .and_then(|m| m.get(key))
            .or_else(|| self.0.get(&Language::De).and_then(|m| m.get(key)))
            .map_or(key, String::as_str)
    }

    /// The message with `{name}` placeholders filled in, and
    /// `{name|one|other}` written as `one` when the value is 1 and as
    /// `other` otherwise ("1 gültiger Brief", "2 gültige Briefe").
    pub fn format(&self, lang: Language, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.get(lang, key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
            text = plural(&text, name, value == "1");
        }
        text
    }

    /// Keys of one language, for the completeness test.
    pub fn keys(&self, lang: Language) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .0
            .get(&lang)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }
}

/// `text` with each `{name|one|other}` replaced by the form for `one`.
fn plural(text: &str, name: &str, one: bool) -> String {
    let open = format!("{{{name}|");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = rest.split_once(open.as_str()) {
        let Some((forms, tail)) = after.split_once('}') else {
            break;
        };
        let (singular, other) = forms.split_once('|').unwrap_or((forms, ""));
        out.push_str(before);
        out.push_str(if one { singular } else { other });
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

/// `{{t "key" name=value}}`: the message in the page's language, HTML-escaped
/// (placeholders may hold member data).
pub struct TranslateHelper(pub Arc<Catalogues>);

impl HelperDef for TranslateHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let key = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or_else(|| handlebars::RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let lang = ctx
            .data()
            .get("lang")
            .and_then(|l| l.as_str())
            .and_then(Language::parse)
            .unwrap_or(Language::De);
        let args: Vec<(&str, String)> = h
            .hash()
            .iter()
            .map(|(name, value)| {
                let text = match value.value() {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (*name, text)
            })
            .collect();
        let text = self.0.format(lang, key, &args);
        out.write(&handlebars::html_escape(&text))?;
        Ok(())
    }
}

/// The language of this request: the `lang` cookie, else the browser's
/// `Accept-Language`, else German.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Language {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(request_language(req))
    }
}

pub fn request_language(req: &Request<'_>) -> Language {
    if let Some(lang) = req
        .cookies()
        .get("lang")
        .and_then(|c| Language::parse(c.value()))
    {
        return lang;
    }
    req.headers()
        .get_one("Accept-Language")
        .and_then(|header| {
            header
                .split(',')
                .filter_map(|part| part.split(';').next())
                .map(|tag| tag.trim().get(..2).unwrap_or("").to_ascii_lowercase())
                .find_map(|tag| Language::parse(&tag))
        })
        .unwrap_or(Language::De)
}

#[cfg(test)]
mod plural_tests {
    use super::plural;

    #[test]
    fn one_and_many_read_right() {
        let text = "{n} {n|gültiger Brief|gültige Briefe}, {m|fehlte|fehlten} {m}";
        assert_eq!(
            plural(&plural(text, "n", true), "m", false),
            "{n} gültiger Brief, fehlten {m}"
        );
        assert_eq!(
            plural(text, "n", false),
            "{n} gültige Briefe, {m|fehlte|fehlten} {m}"
        );
        // An unclosed form is left as written.
        assert_eq!(plural("{n|a", "n", true), "{n|a");
    }
}
