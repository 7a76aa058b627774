//! HTML pages from the templates in `src/views/templates`, escaped automatically.
use super::i18n;
use minijinja::Environment;
use serde_json::{Value, json};
use std::sync::LazyLock;

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, text) in [
        ("base.html", include_str!("templates/base.html")),
        ("record.html", include_str!("templates/record.html")),
        ("home.html", include_str!("templates/home.html")),
        ("search.html", include_str!("templates/search.html")),
        ("login.html", include_str!("templates/login.html")),
        ("message.html", include_str!("templates/message.html")),
        ("manage.html", include_str!("templates/manage.html")),
        (
            "manage_dataset.html",
            include_str!("templates/manage_dataset.html"),
        ),
        ("overview.html", include_str!("templates/overview.html")),
        ("need.html", include_str!("templates/need.html")),
    ] {
        env.add_template(name, text)
            .expect("templates parse (tested)");
    }
    env
});

/// Texts the templates use, in `lang`.
const KEYS: &[&str] = &[
    "site",
    "skip",
    "search",
    "search_label",
    "search_button",
    "language",
    "datasets",
    "coordinations",
    "concepts",
    "organisations",
    "newest",
    "home_intro",
    "distributions",
    "download",
    "access",
    "formats",
    "results",
    "no_results",
    "filters",
    "remove_filter",
    "next",
    "previous",
    "theme",
];

/// Renders `template` with `page` plus what every page has: language, texts, the language
/// switch for `path` (a path with its query, without `lang`), the search box's `q`.
pub fn render(template: &str, lang: &str, path: &str, mut page: Value) -> Result<String, String> {
    let process_keys = super::i18n_process::TEXTS.iter().map(|(k, _)| k);
    let texts: serde_json::Map<String, Value> = KEYS
        .iter()
        .chain(process_keys)
        .map(|k| ((*k).to_owned(), Value::String(i18n::t(lang, k))))
        .collect();
    let sep = if path.contains('?') { '&' } else { '?' };
    let languages: Vec<Value> = [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]
        .iter()
        .map(|(code, name)| {
            json!({ "code": code, "name": name, "href": format!("{path}{sep}lang={code}"), "current": *code == lang })
        })
        .collect();
    if let Value::Object(map) = &mut page {
        map.insert("lang".into(), json!(lang));
        map.insert("t".into(), Value::Object(texts));
        map.insert("languages".into(), Value::Array(languages));
        map.entry("q").or_insert(json!(""));
        map.entry("alternates").or_insert(json!([]));
    }
    ENV.get_template(template)
        .and_then(|t| t.render(&page))
        .map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_and_escape() {
        let html = render(
            "record.html",
            "nn",
            "/datasets/x",
            json!({ "title": "<script>x</script>", "kind": "Datasett", "facts": [], "sections": [] }),
        )
        .unwrap();
        assert!(html.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"));
        assert!(html.contains("<html lang=\"nn\">"));
        assert!(html.contains("Hopp til hovudinnhald"));
    }
}
