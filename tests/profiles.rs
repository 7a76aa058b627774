//! SKOS-AP-NO-Begrep 2 and ModellDCAT-AP-NO 1.3: the official examples under our engine (against
//! pySHACL), deliberately broken copies, and our own shapes for concepts and models.
use crate::shacl_conformance::parse_into;
use crate::util::shared;
use oxigraph::model::{Graph, Term};
use samapne::shacl;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SKOS_SHAPES: &str = "specs/skos-ap-no-begrep/v2/SKOS-AP-NO-Begrep-shape_shape_v2.ttl";
const MODELL_SHAPES: &str = "specs/modelldcat-ap-no/v1/modelldcat-ap-no_v1_SHACL-shapes.ttl";
/// The ModellDCAT vocabulary: its subclass axioms are what the official shapes' sh:class
/// checks assume (../shared/specs/modelldcat-ap-no/SOURCES.md).
const MODELL_ONTOLOGY: &str = "specs/modelldcat-ap-no/v1/modelldcatno.ttl";

fn official(path: &str) -> shacl::shapes::Shapes {
    let mut g = Graph::new();
    parse_into(&mut g, &shared().join(path));
    shacl::shapes::Shapes::compile(g).unwrap()
}

/// Examples with the shapes and extra data files they are validated with.
fn examples() -> Vec<(&'static str, Vec<PathBuf>, PathBuf)> {
    let mut out = Vec::new();
    for f in [
        "test-v2examples-with-all-classes-and-all-properties.ttl",
        "validator-service-tests/valid_collection.ttl",
    ] {
        let p = shared().join("specs/skos-ap-no-begrep/v2").join(f);
        out.push((SKOS_SHAPES, Vec::new(), p));
    }
    let dir = shared().join("specs/modelldcat-ap-no/v1");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            // testModCat1.ttl does not parse (undeclared prefix vcard:, SOURCES.md).
            (name.starts_with("ex") || name.starts_with("test")) && name != "testModCat1.ttl"
        })
        .collect();
    files.sort();
    for p in files {
        out.push((MODELL_SHAPES, vec![shared().join(MODELL_ONTOLOGY)], p));
    }
    out
}

fn key(t: &Term) -> String {
    match t {
        Term::BlankNode(_) => "_:".into(),
        other => other.to_string(),
    }
}

/// Results as pySHACL's `--json` prints them: (focus, component, value), sorted.
fn results(report: &shacl::Report) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = report
        .results
        .iter()
        .map(|r| {
            vec![
                key(&r.focus),
                format!("<{}>", r.component.as_str()),
                r.value.as_ref().map(key).unwrap_or_default(),
            ]
        })
        .collect();
    out.sort();
    out
}

fn pyshacl(shapes: &str, files: &[&Path]) -> Vec<Vec<String>> {
    let out = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/official_shacl.py"))
        .args(["--shapes", shared().join(shapes).to_str().unwrap()])
        .args(["--no-vocab", "--json"])
        .arg(format!("file://{}", files[0].display()))
        .args(files)
        .output()
        .expect("python3 with pyshacl (scripts/setup.sh installs it)");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// On every official SKOS-AP-NO 2 and ModellDCAT-AP-NO example, our engine with the official
/// shapes gives exactly pySHACL's results (focus node, component, value); on the examples
/// documented as conforming, those results are only references to resources kept elsewhere.
#[test]
fn official_examples_match_pyshacl() {
    for (shapes_file, extra, example) in examples() {
        let shapes = official(shapes_file);
        let mut data = Graph::new();
        parse_into(&mut data, &example);
        for e in &extra {
            parse_into(&mut data, e);
        }
        let ours = results(&shacl::validate(&shapes, &data));
        let mut files = vec![example.as_path()];
        files.extend(extra.iter().map(PathBuf::as_path));
        let theirs = pyshacl(shapes_file, &files);
        assert_eq!(ours, theirs, "{}", example.display());

        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        if name == "valid_collection.ttl" {
            assert_eq!(ours.len(), 21, "SOURCES.md: 21 violations under v2");
            continue;
        }
        // The examples SOURCES.md lists as conforming (the SKOS one "except external graphs"):
        // every result is a reference to something the file does not type, or one of the
        // Modell vocabulary's own code elements (it is part of the data graph).
        let conforming = [
            "test-v2examples-with-all-classes-and-all-properties.ttl",
            "exAssociation.ttl",
            "exExternalCodeList.ttl",
            "exModule.ttl",
            "exSimpleType.ttl",
        ];
        if !conforming.contains(&name.as_str()) {
            continue;
        }
        let mut example_only = Graph::new();
        parse_into(&mut example_only, &example);
        let typed = |iri: &str| {
            example_only.iter().any(|t| {
                t.subject.to_string() == iri && t.predicate == oxigraph::model::vocab::rdf::TYPE
            })
        };
        for r in &ours {
            let (focus, component, value) = (&r[0], &r[1], &r[2]);
            let class_check = component.ends_with("#ClassConstraintComponent>")
                || component.ends_with("#OrConstraintComponent>");
            let external = class_check && value.starts_with('<') && !typed(value);
            let vocabulary_item =
                focus.starts_with("<https://data.norge.no/vocabulary/modelldcatno#");
            assert!(
                external || vocabulary_item,
                "{name}: unexpected result {r:?}"
            );
        }
    }
}

/// Removes every triple with `subject` and `predicate` (and, if given, `object`).
fn without(g: &Graph, subject: &str, predicate: &str, object: Option<&str>) -> Graph {
    let mut out = Graph::new();
    for t in g.iter() {
        let hit = t.subject.to_string() == format!("<{subject}>")
            && t.predicate.as_str() == predicate
            && object.is_none_or(|o| t.object.to_string() == o);
        if !hit {
            out.insert(t);
        }
    }
    assert!(
        out.len() < g.len(),
        "nothing removed for {subject} {predicate}"
    );
    out
}

/// (focus node, constraint component) of every Violation or Warning.
fn flagged(report: &shacl::Report) -> BTreeSet<(String, String)> {
    report
        .results
        .iter()
        .filter(|r| r.is_violation_or_warning())
        .map(|r| (r.focus.to_string(), r.component.as_str().to_owned()))
        .collect()
}

/// Broken copies of the examples fail on exactly the node that was broken, under the official
/// shapes and under ours.
#[test]
fn broken_examples_fail_on_the_broken_node() {
    let ours = samapne::validate::Validator::ours();
    let skos = shared()
        .join("specs/skos-ap-no-begrep/v2/test-v2examples-with-all-classes-and-all-properties.ttl");
    let modell = shared().join("specs/modelldcat-ap-no/v1/exSimpleModel.ttl");
    let concept = "https://example.org/tstCpt1";
    let model = "https://github.com/Informasjonsforvaltning/modelldcat-ap-no/examples/exSimpleModel#EnkelModell";
    let cases: [(&Path, &str, &str, &str, Option<&str>); 4] = [
        (
            &skos,
            SKOS_SHAPES,
            concept,
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            Some("\"testomgrep\"@nn"),
        ),
        (
            &skos,
            SKOS_SHAPES,
            concept,
            "http://purl.org/dc/terms/identifier",
            None,
        ),
        (
            &modell,
            MODELL_SHAPES,
            model,
            "http://purl.org/dc/terms/title",
            None,
        ),
        (
            &modell,
            MODELL_SHAPES,
            model,
            "http://purl.org/dc/terms/publisher",
            None,
        ),
    ];
    for (file, shapes_file, node, predicate, object) in cases {
        let shapes = official(shapes_file);
        let mut data = Graph::new();
        parse_into(&mut data, file);
        let broken = without(&data, node, predicate, object);
        let expected = BTreeSet::from([format!("<{node}>")]);
        // The focus nodes of the results the break added.
        let newly = |before: BTreeSet<(String, String)>, after: BTreeSet<(String, String)>| {
            after
                .difference(&before)
                .map(|(focus, _)| focus.clone())
                .collect::<BTreeSet<String>>()
        };
        let official_new = newly(
            flagged(&shacl::validate(&shapes, &data)),
            flagged(&shacl::validate(&shapes, &broken)),
        );
        assert_eq!(official_new, expected, "official, {predicate}");
        let ours_new = newly(
            flagged(&ours.validate(&data)),
            flagged(&ours.validate(&broken)),
        );
        assert_eq!(ours_new, expected, "ours, {predicate}");
    }
}

/// The demo's concepts and information model conform to the official SKOS-AP-NO and
/// ModellDCAT-AP-NO shapes (with the Modell vocabulary's subclass axioms), and a concept or
/// model written through the API is checked by our shapes for them.
#[test]
fn demo_concepts_and_models_conform_to_official_shapes() {
    let mut demo = Graph::new();
    for (name, text) in samapne::content::DEMO {
        let triples = samapne::import::parse(
            text.as_bytes(),
            oxigraph::io::RdfFormat::Turtle,
            "http://catalog.test/",
            name,
            String::new,
        )
        .unwrap();
        for t in &triples {
            demo.insert(t);
        }
    }
    let skos = shacl::validate(&official(SKOS_SHAPES), &demo);
    assert!(skos.results.is_empty(), "{:?}", results(&skos));
    let mut with_ontology = demo.clone();
    parse_into(&mut with_ontology, &shared().join(MODELL_ONTOLOGY));
    let modell = shacl::validate(&official(MODELL_SHAPES), &with_ontology);
    let about_demo: Vec<_> = results(&modell)
        .into_iter()
        .filter(|r| r[0].starts_with("<http://catalog.test/models/"))
        .collect();
    assert!(about_demo.is_empty(), "{about_demo:?}");
    let models = demo
        .iter()
        .filter(|t| {
            t.object.to_string()
                == "<https://data.norge.no/vocabulary/modelldcatno#InformationModel>"
        })
        .count();
    assert_eq!(models, 1, "the demo has an information model");
}
