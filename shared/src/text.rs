//! Free text people type (names, labels, locations, details, notes, reasons, descriptions): one
//! set of rules for every resource that takes it. Control characters are refused (a multi-line
//! field allows newline and tab), bidi overrides and isolates are stripped so nobody can make a
//! name read backwards, edges are trimmed of whitespace and invisible characters, and text that
//! is only invisible counts as blank.

use crate::error::{Error, Result};

/// Whether a field holds one line (a name, a label) or several (details, a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Line,
    Lines,
}

/// How long a name or a label may be.
pub const MAX_NAME: usize = 200;

/// Text that must say something: at most `max` characters, one line.
pub fn required(field: &str, value: String, max: usize) -> Result<String> {
    let text = clean(field, &value, max, Form::Line)?;
    if text.is_empty() {
        return Err(Error::field(field, "must not be blank"));
    }
    Ok(text)
}

/// A name or label: `required` with the length names have.
pub fn name(field: &str, value: String) -> Result<String> {
    required(field, value, MAX_NAME)
}

/// Optional text: blank (or only invisible characters) means none.
pub fn optional(
    field: &str,
    value: Option<String>,
    max: usize,
    form: Form,
) -> Result<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    let text = clean(field, &value, max, form)?;
    Ok((!text.is_empty()).then_some(text))
}

fn clean(field: &str, value: &str, max: usize, form: Form) -> Result<String> {
    let allowed = |c: char| form == Form::Lines && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        let problem = match form {
            Form::Line => "write it on one line, without control characters",
            Form::Lines => "remove the control characters (newlines and tabs are fine)",
        };
        return Err(Error::field(field, problem));
    }
    let stripped: String = value.chars().filter(|&c| !is_bidi_control(c)).collect();
    let trimmed = stripped.trim_matches(is_invisible);
    if trimmed.chars().count() > max {
        return Err(Error::field(field, format!("use at most {max} characters")));
    }
    Ok(trimmed.to_owned())
}

/// The embeddings, overrides and isolates that reorder what follows them (U+202A–U+202E,
/// U+2066–U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whitespace and the zero-width characters that show nothing (spaces, joiners, word joiner,
/// byte-order mark).
fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: Error) -> String {
        let body = serde_json::to_value(err.body()).unwrap();
        body["error"]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone()
    }

    #[test]
    fn control_characters_are_refused_naming_the_field() {
        for bad in [
            "Ann\0",
            "Ann\u{7}",
            "\u{1b}[31mAnn",
            "Ann\u{85}",
            "Ann\u{9b}",
            "Ann\u{7f}",
        ] {
            let err = name("name", bad.to_owned()).unwrap_err();
            assert_eq!(field_of(err), "name", "{bad:?}");
        }
        assert!(name("name", "Ann\nBell".to_owned()).is_err());
        assert!(name("name", "Ann\tBell".to_owned()).is_err());
    }

    #[test]
    fn a_multi_line_field_allows_newlines_and_tabs_only() {
        let text = optional(
            "details",
            Some("Towels\r\n\tand soap".into()),
            100,
            Form::Lines,
        );
        assert_eq!(text.unwrap().as_deref(), Some("Towels\r\n\tand soap"));
        assert!(optional("details", Some("Towels\u{7}".into()), 100, Form::Lines).is_err());
        assert!(optional("details", Some("Towels\0".into()), 100, Form::Lines).is_err());
    }

    #[test]
    fn bidi_overrides_and_isolates_are_stripped() {
        let spoofed =
            "\u{202E}nnA\u{202C} \u{2066}Bell\u{2069}\u{202A}\u{202B}\u{202D}\u{2067}\u{2068}";
        assert_eq!(name("name", spoofed.to_owned()).unwrap(), "nnA Bell");
    }

    #[test]
    fn invisible_only_text_is_blank() {
        let invisible = " \u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{3000} ";
        assert!(name("name", invisible.to_owned()).is_err());
        assert_eq!(
            optional("details", Some(invisible.into()), 10, Form::Lines).unwrap(),
            None
        );
        assert_eq!(
            optional("details", Some("\u{202E}".into()), 10, Form::Lines).unwrap(),
            None
        );
        assert_eq!(name("name", "\u{FEFF} Ann \u{200B}".into()).unwrap(), "Ann");
    }

    #[test]
    fn length_counts_characters_after_trimming() {
        assert!(required("label", format!("  {}  ", "é".repeat(5)), 5).is_ok());
        assert!(required("label", "é".repeat(6), 5).is_err());
    }
}
