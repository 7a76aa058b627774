//! Words to index terms: lower-cased, split on anything that is not a letter or digit,
//! common Norwegian function words dropped, then stemmed with Snowball's Norwegian stemmer
//! (which covers Bokmål and, largely, Nynorsk inflection).
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Norwegian));

/// Words too common to search by (Bokmål and Nynorsk).
const STOPWORDS: &[&str] = &[
    "og", "i", "på", "for", "av", "med", "til", "en", "et", "ei", "den", "det", "de", "som", "er",
    "om", "fra", "frå", "har", "eller", "at", "the", "of", "and", "in",
];

/// The index terms of `text`, in order (repeats kept).
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| STEMMER.stem(&w).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_meet() {
        assert_eq!(terms("barnehagene"), terms("barnehage"));
        assert_eq!(terms("Barnehager"), terms("barnehage"));
        assert_eq!(terms("skolene"), terms("skole"));
        assert_eq!(terms("målinger"), terms("måling"));
        assert_eq!(
            terms("energibruk i kommunale bygg"),
            terms("Energibruk kommunal bygg")
        );
        assert!(terms("\"<script>\" SELECT * WHERE { ?s ?p ?o }").contains(&"script".to_owned()));
        assert!(terms("og i på").is_empty());
    }
}
