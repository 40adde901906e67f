//! `cargo xtask new-provider <name> [--signer md5-sorted|hmac-sha256]`:
//! scaffolds `crates/provider-<name>/` (a brand of the white-label platform:
//! region table, signing scheme, request snapshots, conformance test, README
//! and links to the licence texts, ready for crates.io),
//! registers it (workspace member, workspace dependency, facade feature,
//! one line in the facade's registry), records its first snapshots and
//! prints what is left to fill in.
//!
//! Every change is computed and checked before anything is written, so a
//! refused name leaves the tree untouched; an existing crate is never
//! overwritten.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{package, templates, util};

/// Usage of the command.
pub const USAGE: &str = "\
cargo xtask new-provider <name> [--signer md5-sorted|hmac-sha256]

Generates crates/provider-<name>/ (a brand of the white-label platform: region
table, signing scheme, request snapshots, conformance test), registers it
(workspace, facade feature `<name>`, one line in crates/payout/src/registry.rs),
records its request snapshots and prints what to fill in.

  <name>      lowercase ASCII letters, digits and hyphens, starting with a letter
              (the provider id, the facade feature and the crate provider-<name>)
  --signer    md5-sorted (default): MD5 over the sorted fields plus the secret
              hmac-sha256: HMAC-SHA256 over the exact body, hex, in a header

Guide: docs/adding-a-provider.md
";

/// Longest provider name accepted.
const MAX_NAME: usize = 32;
/// Names taken by the project itself.
const RESERVED: &[&str] = &["paypro", "vexora", "default", "axum", "platform", "core"];
/// The line of `crates/payout/src/registry.rs` new registry lines go above.
pub const REGISTRY_MARKER: &str =
    "// cargo xtask new-provider inserts new providers above this line";

/// How the new brand signs requests and callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signer {
    /// `Scheme::Md5Sorted`.
    Md5Sorted,
    /// `Scheme::HmacSha256Body { header }`.
    HmacSha256,
}

impl Signer {
    fn parse(value: &str) -> Result<Self, String> {
        match value {
            "md5-sorted" => Ok(Self::Md5Sorted),
            "hmac-sha256" => Ok(Self::HmacSha256),
            other => Err(format!(
                "unknown signer {other:?}: use --signer md5-sorted or --signer hmac-sha256"
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Md5Sorted => "md5-sorted",
            Self::HmacSha256 => "hmac-sha256",
        }
    }

    /// The `scheme:` field of the generated `BRAND`, indented.
    fn scheme_field(self) -> &'static str {
        match self {
            Self::Md5Sorted => {
                "    // TODO(data): a region sending `sign` in a header, not the body: `.sign_in_header()`.\n    scheme: Scheme::Md5Sorted,"
            }
            Self::HmacSha256 => {
                "    scheme: Scheme::HmacSha256Body {\n        // TODO(data): the header that carries the signature.\n        header: \"X-Signature\",\n    },"
            }
        }
    }

    fn scheme_doc(self) -> &'static str {
        match self {
            Self::Md5Sorted => {
                "[`Scheme::Md5Sorted`], MD5 over the sorted `key=value` fields plus the\n//! secret; the `sign` travels in the body or in a header, per region"
            }
            Self::HmacSha256 => {
                "[`Scheme::HmacSha256Body`], HMAC-SHA256 keyed with the secret over the\n//! exact body bytes, lowercase hex in the `X-Signature` header, for requests\n//! and callbacks alike"
            }
        }
    }
}

/// The parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    name: String,
    signer: Signer,
}

enum Parsed {
    Run(Options),
    Help,
}

fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut name = None;
    let mut signer = Signer::Md5Sorted;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--signer" => {
                let value = it
                    .next()
                    .ok_or("--signer needs a value: --signer md5-sorted or --signer hmac-sha256")?;
                signer = Signer::parse(value)?;
            }
            s if s.starts_with("--signer=") => signer = Signer::parse(&s["--signer=".len()..])?,
            s if s.starts_with('-') => {
                return Err(format!("unknown option {s:?}\n\n{USAGE}"));
            }
            s => {
                if let Some(first) = &name {
                    return Err(format!(
                        "one provider name at a time (got {first:?} and {s:?})"
                    ));
                }
                name = Some(s.to_owned());
            }
        }
    }
    let name = name.ok_or_else(|| format!("give the new provider's name\n\n{USAGE}"))?;
    validate_name(&name)?;
    Ok(Parsed::Run(Options { name, signer }))
}

/// Checks the name's shape (not yet whether it is taken).
fn validate_name(name: &str) -> Result<(), String> {
    let shape = "a provider name is lowercase ASCII letters, digits and hyphens, starts with a \
                 letter, does not end with a hyphen nor contain `--` (e.g. `acme`, `acme-pay`): \
                 it becomes the provider id, the facade feature and the crate `provider-<name>`";
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let starts = name.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    if !ok_chars || !starts || name.ends_with('-') || name.contains("--") {
        return Err(format!("invalid provider name {name:?}: {shape}"));
    }
    if name.len() > MAX_NAME {
        return Err(format!(
            "provider name {name:?} is {} characters long; at most {MAX_NAME}",
            name.len()
        ));
    }
    if RESERVED.contains(&name) {
        return Err(format!(
            "{name:?} is taken by the project (reserved: {}); choose another name",
            RESERVED.join(", ")
        ));
    }
    Ok(())
}

/// Every name the generated files use.
struct Names {
    /// Provider id and facade feature (`acme-pay`).
    id: String,
    /// Crate (`provider-acme-pay`).
    krate: String,
    /// Crate as a Rust path (`provider_acme_pay`).
    ident: String,
    /// Display name (`Acme Pay`).
    display: String,
}

impl Names {
    fn new(id: &str) -> Self {
        let display = id
            .split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            id: id.to_owned(),
            krate: format!("provider-{id}"),
            ident: format!("provider_{}", id.replace('-', "_")),
            display,
        }
    }
}

/// A file rewritten by the registration.
struct Edit {
    path: PathBuf,
    text: String,
}

/// Entry point: `cargo xtask new-provider ...` in this workspace.
pub fn run(args: &[String]) -> Result<(), String> {
    scaffold(&workspace_root(), args, &[])
}

/// The workspace the command was run in: the nearest directory at or above
/// the current one whose `Cargo.toml` has a `[workspace]` table (so that a
/// copy of the workspace is worked on even when the xtask binary was built
/// elsewhere); else the one xtask was built in.
pub fn workspace_root() -> PathBuf {
    let is_workspace = |dir: &Path| {
        fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|text| text.lines().any(|l| l.trim() == "[workspace]"))
    };
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            cwd.ancestors()
                .find(|d| is_workspace(d))
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(util::root)
}

/// `new-provider` with `args` in the workspace at `root`; `env` is added to
/// the environment of the cargo commands it runs (CI points
/// `CARGO_TARGET_DIR` at the main target directory).
///
/// # Errors
/// When the name is refused, a file cannot be read or written, or the
/// first test run (recording the snapshots) fails.
pub fn scaffold(root: &Path, args: &[String], env: &[(&str, &str)]) -> Result<(), String> {
    let options = match parse(args)? {
        Parsed::Help => {
            print!("{USAGE}");
            return Ok(());
        }
        Parsed::Run(options) => options,
    };
    let names = Names::new(&options.name);
    let crate_dir = root.join("crates").join(&names.krate);
    if crate_dir.exists() {
        return Err(format!(
            "{} already exists: new-provider never overwrites a crate. Choose another name, or \
             delete that directory and its lines in Cargo.toml, crates/payout/Cargo.toml and \
             crates/payout/src/registry.rs to start over",
            crate_dir.display()
        ));
    }

    // Compute everything first: a refusal leaves the tree untouched.
    let files = render_files(&names, options.signer)?;
    let edits = vec![
        edit_root_manifest(root, &names)?,
        edit_facade_manifest(root, &names)?,
        edit_registry(root, &names)?,
    ];

    fs::create_dir_all(root.join("crates"))
        .map_err(|e| format!("cannot create {}/crates: {e}", root.display()))?;
    fs::create_dir(&crate_dir)
        .map_err(|e| format!("cannot create {}: {e}", crate_dir.display()))?;
    for (rel, text) in &files {
        let path = crate_dir.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // The licence texts, as links to the workspace's (a published crate carries them).
    for name in package::licence_files(root)? {
        util::link(&Path::new("../..").join(&name), &crate_dir.join(&name))?;
    }
    for edit in &edits {
        fs::write(&edit.path, &edit.text)
            .map_err(|e| format!("cannot write {}: {e}", edit.path.display()))?;
    }
    eprintln!(
        "created {} ({} signer) and registered it",
        crate_dir.display(),
        options.signer.as_str()
    );

    // The first run records the request snapshots (`INSTA_UPDATE=always`
    // writes them in place even under `CI=true`).
    let mut record_env = env.to_vec();
    record_env.push(("INSTA_UPDATE", "always"));
    exec(
        root,
        "cargo",
        &["test", "-p", &names.krate, "--test", "requests"],
        &record_env,
    )
    .map_err(|e| {
        format!(
            "{e}\nThe crate is generated and registered, but recording its snapshots failed: fix \
             the error above, then run `cargo xtask snapshots -p {}`",
            names.krate
        )
    })?;
    let recorded = count_snapshots(&crate_dir.join("tests").join("snapshots"));
    if recorded == 0 {
        return Err(format!(
            "no snapshot was recorded in {}/tests/snapshots",
            crate_dir.display()
        ));
    }
    print!("{}", next_steps(&names, options.signer, recorded));
    Ok(())
}

/// The crate's files, rendered.
fn render_files(names: &Names, signer: Signer) -> Result<Vec<(&'static str, String)>, String> {
    let vars = [
        ("name", names.id.as_str()),
        ("crate", names.krate.as_str()),
        ("ident", names.ident.as_str()),
        ("display", names.display.as_str()),
        ("scheme", signer.scheme_field()),
        ("scheme_doc", signer.scheme_doc()),
    ];
    templates::CRATE_FILES
        .iter()
        .map(|(path, template)| {
            templates::render(template, &vars)
                .map(|text| (*path, text))
                .map_err(|e| format!("{path}: {e}"))
        })
        .collect()
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The workspace manifest with the crate in `members`, `default-members`
/// and `[workspace.dependencies]`.
fn edit_root_manifest(root: &Path, names: &Names) -> Result<Edit, String> {
    let path = root.join("Cargo.toml");
    let text = read(&path)?;
    let member = format!("\"crates/{}\"", names.krate);
    let dep_key = format!("{} ", names.krate);
    if text.contains(&member)
        || text
            .lines()
            .any(|l| l.trim_start().starts_with(&dep_key) || l.trim_start() == names.krate)
    {
        return Err(format!(
            "Cargo.toml already mentions {} (left over from an earlier run?): remove those lines first",
            names.krate
        ));
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for array in ["members", "default-members"] {
        insert_in_array(&mut lines, array, &format!("    {member},"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    insert_in_section(
        &mut lines,
        "[workspace.dependencies]",
        |l| l.starts_with("provider-"),
        format!(
            "{} = {{ path = \"crates/{}\", version = \"0.1.0\" }}",
            names.krate, names.krate
        ),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Edit {
        path,
        text: join(&lines, &text),
    })
}

/// The facade's manifest with the feature and the optional dependency.
fn edit_facade_manifest(root: &Path, names: &Names) -> Result<Edit, String> {
    let path = root.join("crates/payout/Cargo.toml");
    let text = read(&path)?;
    let features = section_keys(&text, "[features]");
    if features.iter().any(|k| k == &names.id) {
        return Err(format!(
            "{} already has a feature {:?}: choose another name",
            path.display(),
            names.id
        ));
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    insert_in_section(
        &mut lines,
        "[features]",
        |l| l.contains("\"dep:provider-"),
        // A brand's registry line expands to `payout_platform` paths: the
        // feature turns the facade's optional platform dependency on too.
        format!(
            "{} = [\"dep:{}\", \"dep:payout-platform\"]",
            names.id, names.krate
        ),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    insert_in_section(
        &mut lines,
        "[dependencies]",
        |l| l.starts_with("provider-"),
        format!("{} = {{ workspace = true, optional = true }}", names.krate),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Edit {
        path,
        text: join(&lines, &text),
    })
}

/// The registry with one line above [`REGISTRY_MARKER`].
fn edit_registry(root: &Path, names: &Names) -> Result<Edit, String> {
    let path = root.join("crates/payout/src/registry.rs");
    let text = read(&path)?;
    let at = text.find(REGISTRY_MARKER).ok_or_else(|| {
        format!(
            "{} has no line `{REGISTRY_MARKER}` inside `providers![...]`: add it back before \
             the list's closing `];`",
            path.display()
        )
    })?;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..at];
    let line = format!(
        "{indent}\"{}\" => platform!({}::BRAND),\n",
        names.id, names.ident
    );
    let mut out = text.clone();
    out.insert_str(line_start, &line);
    Ok(Edit { path, text: out })
}

/// Inserts `line` into the TOML array `key = [ ... ]` (one element per
/// line): after its last `"crates/provider-..."` element, else before `]`.
fn insert_in_array(lines: &mut Vec<String>, key: &str, line: &str) -> Result<(), String> {
    let start = lines
        .iter()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                && t.ends_with('[')
        })
        .ok_or_else(|| format!("no `{key} = [` array written one element per line"))?;
    let end = lines[start..]
        .iter()
        .position(|l| l.trim() == "]")
        .map(|i| start + i)
        .ok_or_else(|| format!("the `{key}` array has no closing `]` line"))?;
    let at = lines[start + 1..end]
        .iter()
        .rposition(|l| l.trim_start().starts_with("\"crates/provider-"))
        .map_or(end, |i| start + 1 + i + 1);
    lines.insert(at, line.to_owned());
    Ok(())
}

/// Inserts `line` into the TOML section `header`: after its last line
/// matching `after`, else after its last non-blank line.
fn insert_in_section(
    lines: &mut Vec<String>,
    header: &str,
    after: impl Fn(&str) -> bool,
    line: String,
) -> Result<(), String> {
    let start = lines
        .iter()
        .position(|l| l.trim() == header)
        .ok_or_else(|| format!("no {header} section"))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |i| start + 1 + i);
    let body = &lines[start + 1..end];
    let at = body
        .iter()
        .rposition(|l| after(l.trim_start()))
        .or_else(|| body.iter().rposition(|l| !l.trim().is_empty()))
        .map_or(start + 1, |i| start + 1 + i + 1);
    lines.insert(at, line);
    Ok(())
}

/// The keys of a TOML section (`key = ...` lines).
fn section_keys(text: &str, header: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"').to_owned())
        .collect()
}

/// `lines` joined, keeping the original's final newline.
fn join(lines: &[String], original: &str) -> String {
    let mut out = lines.join("\n");
    if original.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn count_snapshots(dir: &Path) -> usize {
    fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
            .count()
    })
}

/// Runs `program args...` in `dir` with extra `env`, echoing it and its time.
///
/// # Errors
/// When it cannot start or exits unsuccessfully.
pub fn exec(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let shown = format!("{program} {}", args.join(" "));
    let vars: String = env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
    eprintln!("==> {vars}{shown}  (in {})", dir.display());
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    eprintln!("<== {shown} ({:.1?})", start.elapsed());
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// What the user does next.
fn next_steps(n: &Names, signer: Signer, recorded: usize) -> String {
    let (id, krate, ident) = (&n.id, &n.krate, &n.ident);
    let header = match signer {
        Signer::Md5Sorted => "",
        Signer::HmacSha256 => ", the signature header (X-Signature)",
    };
    format!(
        "\
Created crates/{krate}/ ({signer} signer) and registered it:
  Cargo.toml                     workspace member, default member, [workspace.dependencies]
  crates/payout/Cargo.toml       feature `{id}` = [\"dep:{krate}\", \"dep:payout-platform\"] (add it to `default` to build it by default)
  crates/payout/src/registry.rs  \"{id}\" => platform!({ident}::BRAND),
  crates/{krate}/tests/snapshots/  {recorded} request snapshots recorded

Fill in (data only; every placeholder is marked TODO(data)):
  crates/{krate}/src/regions.rs
      one Region row per country: region id, currency, time zone, URL segment,
      published sandbox base URL, path family + create endpoint (Paths::new),
      amount rule, payout fields (wire names, sources, format rules, accepted codes)
  crates/{krate}/src/lib.rs
      display name{header}, the doc example's region and sandbox URL
  docs/providers/{id}.md
      the provider's page: regions, fields, quirks (as docs/providers/vexora.md)
Responses and status codes are the platform's (envelope, STATUS_TABLE); a provider
with a wholly different protocol implements payout_transport::PayoutProtocol and
passes the same conformance suite through a SimFamily (docs/adding-a-provider.md,
Xendit as the worked example).

Then:
  cargo test -p {krate}                      # request snapshots + conformance against the simulator
  cargo xtask snapshots -p {krate}           # review the request snapshots after editing the table
  cargo build -p payout --no-default-features --features {id}
  cargo clippy -p {krate} --all-targets -- -D warnings
",
        signer = signer.as_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn options(list: &[&str]) -> Result<Options, String> {
        match parse(&args(list))? {
            Parsed::Run(o) => Ok(o),
            Parsed::Help => Err("help".into()),
        }
    }

    #[test]
    fn signer_defaults_to_md5_sorted() {
        let o = options(&["acme"]).unwrap();
        assert_eq!((o.name.as_str(), o.signer), ("acme", Signer::Md5Sorted));
        let o = options(&["--signer", "hmac-sha256", "acme-pay"]).unwrap();
        assert_eq!(o.signer, Signer::HmacSha256);
        let o = options(&["acme", "--signer=md5-sorted"]).unwrap();
        assert_eq!(o.signer, Signer::Md5Sorted);
    }

    #[test]
    fn refuses_bad_names_and_options() {
        for bad in [
            "Acme", "1acme", "acme-", "ac--me", "ac_me", "acme!", "paypro", "vexora", "",
        ] {
            assert!(options(&[bad]).is_err(), "{bad:?} accepted");
        }
        assert!(options(&[&"a".repeat(MAX_NAME + 1)]).is_err());
        assert!(options(&["acme", "--signer", "sha1"])
            .unwrap_err()
            .contains("unknown signer"));
        assert!(options(&["acme", "--signer"]).is_err());
        assert!(options(&["acme", "other"]).is_err());
        assert!(options(&["acme", "--force"]).is_err());
        assert!(options(&[]).is_err());
    }

    #[test]
    fn names_of_a_hyphenated_provider() {
        let n = Names::new("acme-pay");
        assert_eq!(
            (n.krate.as_str(), n.ident.as_str(), n.display.as_str()),
            ("provider-acme-pay", "provider_acme_pay", "Acme Pay")
        );
    }

    #[test]
    fn templates_render_without_leftovers() {
        for signer in [Signer::Md5Sorted, Signer::HmacSha256] {
            let files = render_files(&Names::new("acme"), signer).unwrap();
            assert_eq!(files.len(), templates::CRATE_FILES.len());
            let lib = &files.iter().find(|(p, _)| *p == "src/lib.rs").unwrap().1;
            let expected = match signer {
                Signer::Md5Sorted => "scheme: Scheme::Md5Sorted,",
                Signer::HmacSha256 => "scheme: Scheme::HmacSha256Body {",
            };
            assert!(lib.contains(expected), "{lib}");
            assert!(lib.contains("id: \"acme\""));
            assert!(!files.iter().any(|(_, t)| t.contains("todo!")));
        }
    }

    #[test]
    fn toml_edits_land_in_their_arrays_and_sections() {
        let text = "[workspace]\nmembers = [\n    \"crates/a\",\n    \"crates/provider-x\",\n    \"xtask\",\n]\n\n[workspace.dependencies]\na = 1\nprovider-x = 2\n\nserde = 3\n\n[lints]\n";
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        insert_in_array(&mut lines, "members", "    \"crates/provider-y\",").unwrap();
        insert_in_section(
            &mut lines,
            "[workspace.dependencies]",
            |l| l.starts_with("provider-"),
            "provider-y = 4".into(),
        )
        .unwrap();
        let out = join(&lines, text);
        assert!(out.contains("\"crates/provider-x\",\n    \"crates/provider-y\",\n    \"xtask\""));
        assert!(out.contains("provider-x = 2\nprovider-y = 4\n\nserde = 3"));
        assert!(insert_in_array(&mut lines, "default-members", "x").is_err());
    }

    #[test]
    fn section_keys_of_features() {
        let text = "[features]\ndefault = [\"a\"]\na = [\"dep:a\"]\n\n[dependencies]\nb = 1\n";
        assert_eq!(section_keys(text, "[features]"), ["default", "a"]);
    }
}
