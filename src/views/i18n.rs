//! Interface texts in Bokmål, Nynorsk and English, and locale formatting of dates.
use crate::vocab::{dcat, dct, foaf, modelldcatno, owl, samapne, skos};
use oxigraph::model::NamedNodeRef;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Interface texts: (key, [nb, nn, en]).
const TEXTS: &[(&str, [&str; 3])] = &[
    (
        "site",
        [
            "SamÅpne – datakatalog",
            "SamÅpne – datakatalog",
            "SamÅpne – data catalogue",
        ],
    ),
    (
        "skip",
        [
            "Hopp til hovedinnhold",
            "Hopp til hovudinnhald",
            "Skip to main content",
        ],
    ),
    ("search", ["Søk", "Søk", "Search"]),
    (
        "search_label",
        ["Søk i datasett", "Søk i datasett", "Search datasets"],
    ),
    ("search_button", ["Søk", "Søk", "Search"]),
    ("language", ["Språk", "Språk", "Language"]),
    ("datasets", ["Datasett", "Datasett", "Datasets"]),
    (
        "coordinations",
        [
            "Samordnede datasett",
            "Samordna datasett",
            "Coordinated datasets",
        ],
    ),
    ("concepts", ["Begreper", "Omgrep", "Concepts"]),
    (
        "organisations",
        ["Virksomheter", "Verksemder", "Organisations"],
    ),
    (
        "newest",
        [
            "Sist endrede datasett",
            "Sist endra datasett",
            "Recently changed datasets",
        ],
    ),
    (
        "home_intro",
        [
            "Kommunenes datasett, samordnede datasett og begreper, beskrevet etter DCAT-AP-NO.",
            "Datasetta til kommunane, samordna datasett og omgrep, skildra etter DCAT-AP-NO.",
            "Municipal datasets, coordinated datasets and concepts, described with DCAT-AP-NO.",
        ],
    ),
    (
        "distributions",
        ["Distribusjoner", "Distribusjonar", "Distributions"],
    ),
    ("download", ["Last ned", "Last ned", "Download"]),
    ("access", ["Tilgang", "Tilgang", "Access"]),
    (
        "follows",
        [
            "Følger det samordnede datasettet",
            "Følgjer det samordna datasettet",
            "Follows the coordinated dataset",
        ],
    ),
    (
        "others_following",
        [
            "Andre kommuner som følger det",
            "Andre kommunar som følgjer det",
            "Other municipalities following it",
        ],
    ),
    (
        "followers",
        ["Hvem følger det", "Kven følgjer det", "Who follows it"],
    ),
    (
        "about_concept",
        [
            "Datasett om begrepet",
            "Datasett om omgrepet",
            "Datasets about this concept",
        ],
    ),
    (
        "publishes",
        [
            "Datasett fra virksomheten",
            "Datasett frå verksemda",
            "Datasets of this organisation",
        ],
    ),
    (
        "formats",
        ["Andre formater", "Andre format", "Other formats"],
    ),
    ("results", ["treff", "treff", "results"]),
    (
        "no_results",
        ["Ingen treff.", "Ingen treff.", "No results."],
    ),
    ("filters", ["Avgrens", "Avgrens", "Refine"]),
    ("remove_filter", ["fjern", "fjern", "remove"]),
    ("next", ["Neste side", "Neste side", "Next page"]),
    ("previous", ["Forrige side", "Førre side", "Previous page"]),
    (
        "catalog_of",
        ["Datakatalog", "Datakatalog", "Data catalogue"],
    ),
    ("not_found", ["Finnes ikke", "Finst ikkje", "Not found"]),
    ("kind_dataset", ["Datasett", "Datasett", "Dataset"]),
    (
        "kind_series",
        [
            "Samordnet datasett",
            "Samordna datasett",
            "Coordinated dataset",
        ],
    ),
    (
        "kind_service",
        ["Datatjeneste", "Datateneste", "Data service"],
    ),
    ("kind_concept", ["Begrep", "Omgrep", "Concept"]),
    (
        "kind_model",
        [
            "Informasjonsmodell",
            "Informasjonsmodell",
            "Information model",
        ],
    ),
    ("kind_org", ["Virksomhet", "Verksemd", "Organisation"]),
    (
        "kind_catalog",
        ["Datakatalog", "Datakatalog", "Data catalogue"],
    ),
    ("org", ["Virksomhet", "Verksemd", "Organisation"]),
    ("theme", ["EU-tema", "EU-tema", "EU theme"]),
    ("los", ["LOS-tema", "LOS-tema", "LOS theme"]),
    ("format", ["Format", "Format", "Format"]),
    ("coordination", ["Samordning", "Samordning", "Coordination"]),
    ("concept", ["Begrep", "Omgrep", "Concept"]),
];

/// Every text by key: [`TEXTS`] and the opening process's texts.
static ALL: LazyLock<HashMap<&'static str, [&'static str; 3]>> = LazyLock::new(|| {
    TEXTS
        .iter()
        .chain(super::i18n_process::TEXTS)
        .map(|(k, texts)| (*k, *texts))
        .collect()
});

/// Of texts in [nb, nn, en], the one for `lang` (Bokmål for any other language).
fn pick<'a>(lang: &str, [nb, nn, en]: &[&'a str; 3]) -> &'a str {
    match lang {
        "nn" => nn,
        "en" => en,
        _ => nb,
    }
}

/// The text for `key` in `lang` (nb, nn or en); unknown keys are returned as they are.
pub fn t(lang: &str, key: &str) -> String {
    ALL.get(key)
        .map_or(key, |texts| pick(lang, texts))
        .to_owned()
}

/// The label of a predicate on record pages; `None` for predicates shown elsewhere or not at all.
pub fn predicate(lang: &str, iri: &str) -> Option<String> {
    let (_, texts) = PREDICATES.iter().find(|(p, _)| p.as_str() == iri)?;
    Some(pick(lang, texts).to_owned())
}

/// The properties pages show, by IRI, with their labels in nb, nn and en.
const PREDICATES: &[(NamedNodeRef<'static>, [&str; 3])] = &[
    (dct::publisher, ["Utgiver", "Utgjevar", "Publisher"]),
    (dcat::theme, ["Tema", "Tema", "Themes"]),
    (dcat::keyword, ["Emneord", "Emneord", "Keywords"]),
    (dct::accessRights, ["Tilgang", "Tilgang", "Access"]),
    (
        dct::accrualPeriodicity,
        ["Oppdateres", "Oppdaterast", "Updated"],
    ),
    (dct::language, ["Språk", "Språk", "Language"]),
    (dct::issued, ["Utgitt", "Utgjeve", "Issued"]),
    (
        dct::modified,
        ["Sist endret", "Sist endra", "Last modified"],
    ),
    (dcat::contactPoint, ["Kontakt", "Kontakt", "Contact"]),
    (dct::subject, ["Begreper", "Omgrep", "Concepts"]),
    (
        dcat::inSeries,
        [
            "Samordnet datasett",
            "Samordna datasett",
            "Coordinated dataset",
        ],
    ),
    (dct::conformsTo, ["Følger", "Følgjer", "Conforms to"]),
    (dct::license, ["Lisens", "Lisens", "Licence"]),
    (
        dct::identifier,
        ["Identifikator", "Identifikator", "Identifier"],
    ),
    (skos::definition, ["Definisjon", "Definisjon", "Definition"]),
    (
        skos::altLabel,
        ["Tillatt term", "Tillaten term", "Alternative term"],
    ),
    (
        skos::related,
        ["Relaterte begreper", "Relaterte omgrep", "Related concepts"],
    ),
    (
        dcat::first,
        ["Første datasett", "Første datasett", "First dataset"],
    ),
    (dcat::endpointURL, ["Endepunkt", "Endepunkt", "Endpoint"]),
    (
        dcat::servesDataset,
        ["Gir tilgang til", "Gjev tilgang til", "Serves"],
    ),
    (
        modelldcatno::containsModelElement,
        ["Inneholder", "Inneheld", "Contains"],
    ),
    (foaf::name, ["Navn", "Namn", "Name"]),
    (
        samapne::municipalityNumber,
        ["Kommunenummer", "Kommunenummer", "Municipality number"],
    ),
    (owl::sameAs, ["Også", "Også", "Same as"]),
];

/// An xsd:date or xsd:dateTime as the locale writes dates ("1. mars 2022", "1 March 2022").
pub fn date(lang: &str, lexical: &str) -> String {
    let parts: Vec<&str> = lexical.get(..10).unwrap_or(lexical).split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return lexical.to_owned();
    };
    let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) else {
        return lexical.to_owned();
    };
    const NB: [&str; 12] = [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match (
        lang,
        m.checked_sub(1).and_then(|i| NB.get(i).zip(EN.get(i))),
    ) {
        ("en", Some((_, en))) => format!("{d} {en} {y}"),
        (_, Some((nb, _))) => format!("{d}. {nb} {y}"),
        _ => lexical.to_owned(),
    }
}

/// A count as the locale writes numbers (a space or comma between thousands).
pub fn number(lang: &str, n: usize) -> String {
    let digits = n.to_string();
    let sep = if lang == "en" { "," } else { "\u{a0}" };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_formats() {
        assert_eq!(date("nb", "2022-03-01"), "1. mars 2022");
        assert_eq!(date("en", "2025-10-01T12:00:00Z"), "1 October 2025");
        assert_eq!(number("en", 10000), "10,000");
        assert_eq!(number("nb", 1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(t("nn", "search_label"), "Søk i datasett");
    }
}
