//! The files `cargo xtask new-provider` writes: `xtask/templates/*.tmpl`,
//! compiled into the binary, with `{{placeholder}}`s filled by [`render`].

/// Each generated file: its path inside `crates/provider-<name>/` and its template.
pub const CRATE_FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../templates/Cargo.toml.tmpl")),
    ("README.md", include_str!("../templates/README.md.tmpl")),
    ("src/lib.rs", include_str!("../templates/lib.rs.tmpl")),
    (
        "src/regions.rs",
        include_str!("../templates/regions.rs.tmpl"),
    ),
    (
        "tests/requests.rs",
        include_str!("../templates/requests.rs.tmpl"),
    ),
    (
        "tests/conformance.rs",
        include_str!("../templates/conformance.rs.tmpl"),
    ),
];

/// `template` with every `{{key}}` replaced by its value.
///
/// # Errors
/// When a placeholder is left without a value (a template and this code
/// disagree), naming it.
pub fn render(template: &str, vars: &[(&str, &str)]) -> Result<String, String> {
    let mut out = template.to_owned();
    for (key, value) in vars {
        out = out.replace(&format!("{{{{{key}}}}}"), value);
    }
    match out.find("{{") {
        Some(at) => {
            let rest = &out[at..];
            let end = rest.find("}}").map_or(rest.len(), |e| e + 2);
            Err(format!(
                "template placeholder {} has no value (xtask/src/templates.rs and xtask/templates/ disagree)",
                &rest[..end]
            ))
        }
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder() {
        assert_eq!(
            render("a {{x}} b {{y}} {{x}}", &[("x", "1"), ("y", "2")]),
            Ok("a 1 b 2 1".to_owned())
        );
    }

    #[test]
    fn names_a_placeholder_left_empty() {
        let err = render("a {{x}} b {{zz}}", &[("x", "1")]).unwrap_err();
        assert!(err.contains("{{zz}}"), "{err}");
    }
}
