//! Bounds on a query before the parser and the evaluator see it.
//!
//! spargebra's parser recurses once per nesting level (5,000 nested `{` overflow a 2 MiB
//! stack), and both it and Oxigraph's evaluator recurse over the algebra (a 20,000-step
//! property path, 100,000 `!`, a long chain of `&&`). So, in this order:
//! 1. the text is at most [`MAX_QUERY_BYTES`];
//! 2. a lexical scan, which cannot recurse, bounds bracket nesting ([`MAX_NESTING`]) and runs
//!    of prefix operators ([`MAX_PREFIX_RUN`]) before anything parses;
//! 3. the parse runs on a thread with a large stack ([`PARSE_STACK`]), and the parsed query's
//!    algebra depth is measured on its SSE form (the same scan) and bounded by
//!    [`MAX_ALGEBRA_DEPTH`], its patterns by [`MAX_PATTERNS`] (spargebra turns a 20,000-step
//!    sequence path into 20,000 joined patterns), so that evaluation, which happens in a worker process with the same
//!    stack, stays far from its stack's end.
use crate::error::{AppError, Result};

/// Longest query text accepted (bytes). Real queries are a few KiB.
pub const MAX_QUERY_BYTES: usize = 128 * 1024;
/// Deepest nesting of `{`, `(` and `[` in the query text.
pub const MAX_NESTING: usize = 64;
/// Longest run of prefix operators (`!`, `^`, `+`, `-`), as in `!!!!x` or `^^^^p`.
pub const MAX_PREFIX_RUN: usize = 32;
/// Deepest algebra tree (patterns, expressions, property paths) of a parsed query.
pub const MAX_ALGEBRA_DEPTH: usize = 512;
/// Most triple and path patterns in one query (a sequence path `a/a/a` is one per step).
pub const MAX_PATTERNS: usize = 2_000;
/// Stack of the threads that parse, walk, evaluate and drop a query's algebra.
pub const PARSE_STACK: usize = 256 * 1024 * 1024;

/// Checks the text of a query against limits 1 and 2.
pub fn check_text(query: &str) -> Result<()> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(AppError::QueryTooComplex(format!(
            "the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted",
            query.len()
        )));
    }
    let shape = scan(query);
    if shape.nesting > MAX_NESTING {
        return Err(AppError::QueryTooComplex(format!(
            "the query nests brackets more than {MAX_NESTING} deep"
        )));
    }
    if shape.prefix_run > MAX_PREFIX_RUN {
        return Err(AppError::QueryTooComplex(format!(
            "the query has more than {MAX_PREFIX_RUN} prefix operators (! ^ + -) in a row"
        )));
    }
    Ok(())
}

/// Checks the depth and size of a parsed query (limit 3), on its SSE form: one bracket per
/// node, `(triple …)` or `(path …)` per pattern.
pub fn check_algebra(sse: &str) -> Result<()> {
    let patterns = sse.matches("(triple ").count() + sse.matches("(path ").count();
    if patterns > MAX_PATTERNS {
        return Err(AppError::QueryTooComplex(format!(
            "the query has {patterns} triple patterns (a path counts one per step); at most \
             {MAX_PATTERNS} are evaluated"
        )));
    }
    if scan(sse).nesting > MAX_ALGEBRA_DEPTH {
        return Err(AppError::QueryTooComplex(format!(
            "the query's algebra is more than {MAX_ALGEBRA_DEPTH} levels deep (long property \
             paths or chains of && and ||); use VALUES, IN or shorter paths"
        )));
    }
    Ok(())
}

/// What the scan found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Deepest bracket nesting.
    pub nesting: usize,
    /// Longest run of prefix operators, whitespace between them ignored.
    pub prefix_run: usize,
}

/// One pass over SPARQL (or SSE) text that skips strings, IRIs and comments.
pub fn scan(text: &str) -> Shape {
    let bytes = text.as_bytes();
    let (mut depth, mut shape, mut run) = (0usize, Shape::default(), 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' | b'(' | b'[' => {
                depth += 1;
                shape.nesting = shape.nesting.max(depth);
                run = 0;
            }
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b'!' | b'^' | b'+' | b'-' => {
                run += 1;
                shape.prefix_run = shape.prefix_run.max(run);
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            // A local-name escape (`ex:a\)`): the next byte is part of the name.
            b'\\' => {
                i += 2;
                run = 0;
                continue;
            }
            b'#' => {
                i = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                run = 0;
                continue;
            }
            b'<' => {
                // An IRI only if a '>' closes it before any character an IRI cannot hold;
                // otherwise the less-than operator.
                if let Some(n) = bytes[i + 1..].iter().position(|&c| {
                    matches!(
                        c,
                        b'>' | b'<' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
                    ) || c <= b' '
                }) && bytes[i + 1 + n] == b'>'
                {
                    // Parentheses may stand in an IRI, and `1<((…))>2` is no IRI at all:
                    // they count here too (a real IRI nests none deep).
                    for &c in &bytes[i + 1..i + 1 + n] {
                        match c {
                            b'(' | b'[' => {
                                depth += 1;
                                shape.nesting = shape.nesting.max(depth);
                            }
                            b')' | b']' => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                    }
                    i += n + 2;
                    run = 0;
                    continue;
                }
                run = 0;
            }
            _ => run = 0,
        }
        i += 1;
    }
    shape
}

/// The index just past the string literal that starts at `start` (short or long form).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let long = bytes.get(start + 1) == Some(&quote) && bytes.get(start + 2) == Some(&quote);
    let mut i = start + if long { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == quote => {
                if !long {
                    return i + 1;
                }
                if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                    return i + 3;
                }
                i += 1;
            }
            b'\n' if !long => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_iris_and_comments_do_not_count() {
        let q = "SELECT * { ?s ?p \"{{{(\" . ?s <http://x/ns#a> ?o # {{{{\n FILTER(?o < 3) }";
        assert_eq!(scan(q).nesting, 2);
        assert_eq!(scan("ASK { ?s ?p '''a ''' } '''{ }").nesting, 1);
    }

    #[test]
    fn deep_nesting_and_operator_runs_are_refused() {
        let deep = format!("SELECT * WHERE {}{}", "{".repeat(5000), "}".repeat(5000));
        assert!(matches!(
            check_text(&deep),
            Err(AppError::QueryTooComplex(_))
        ));
        let bangs = format!("ASK {{ FILTER({}true) }}", "! ".repeat(100));
        assert!(matches!(
            check_text(&bangs),
            Err(AppError::QueryTooComplex(_))
        ));
        assert!(check_text("ASK { ?s ^<p>/!<q> ?o FILTER(!(?o != -1)) }").is_ok());
        // Ways around the scan (review of issue 11): brackets in a `<…>` span, escapes.
        let hidden = format!(
            "ASK {{ FILTER(1<{}1{}&&(2>1)) }}",
            "(".repeat(100),
            ")".repeat(100)
        );
        assert!(matches!(
            check_text(&hidden),
            Err(AppError::QueryTooComplex(_))
        ));
        let escaped = format!("ASK {{ ?s e:a\\# {} }}", "{".repeat(100));
        assert!(matches!(
            check_text(&escaped),
            Err(AppError::QueryTooComplex(_))
        ));
        let long = format!("ASK {{}} #{}", "x".repeat(MAX_QUERY_BYTES));
        assert!(matches!(
            check_text(&long),
            Err(AppError::QueryTooComplex(_))
        ));
    }
}
