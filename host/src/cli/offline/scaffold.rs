//! `hookwarden new`: a plugin project for one hook type that builds as it is.
//!
//! The files come from `templates/rust/`: `Cargo.toml.tmpl` and
//! `README.md.tmpl` with `{{placeholders}}`, and one complete `lib.rs` per
//! hook type, each a short working handler built on the SDK's typed
//! accessor for its type.

use crate::hook_type::HookType;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The repository's guest SDK, where the default `--sdk-path` points.
const DEFAULT_SDK_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../guest-sdk");
/// The SDK's package name, checked in `--sdk-path`'s `Cargo.toml`.
const SDK_PACKAGE: &str = "hookwarden-guest";
/// Where to read about components in other languages.
const OTHER_LANGUAGES: &str = "build a WebAssembly component for the world in wit/hook-handler.wit \
     (toolchains per language: https://component-model.bytecodealliance.org/language-support.html)";

const CARGO_TOML: &str = include_str!("templates/rust/Cargo.toml.tmpl");
const README: &str = include_str!("templates/rust/README.md.tmpl");
const GITIGNORE: &str = "target/\n";

/// A language `hookwarden new` can scaffold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Rust with the `hookwarden-guest` SDK.
    Rust,
}

/// Options of `hookwarden new`.
#[derive(clap::Args)]
#[command(
    after_help = "Creates NAME/ with Cargo.toml, src/lib.rs (a short working handler \
    for the type), README.md and .gitignore; an existing NAME/ is never touched."
)]
pub struct NewArgs {
    /// The language: only `rust` is scaffolded.
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Lang,
    /// The project's name: a Cargo package name (letters, digits, `-`,
    /// `_`), also the name of the new directory.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The hook type the handler answers: token, saml, import,
    /// registration, password-import, telephony, or Okta's event type.
    #[arg(long = "type", value_name = "TYPE", value_parser = super::parse_hook_type)]
    pub hook_type: HookType,
    /// The directory to create NAME/ in (created if missing).
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// The hookwarden-guest SDK to depend on: a directory with its
    /// Cargo.toml. Default: the guest-sdk of the repository this
    /// hookwarden was built from.
    #[arg(long, value_name = "PATH")]
    pub sdk_path: Option<PathBuf>,
}

/// Parses `--lang`; the error for any other language says where to look.
fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "rust" => Ok(Lang::Rust),
        other => Err(format!(
            "`{other}` cannot be scaffolded, only `rust` can; for another language, {OTHER_LANGUAGES}"
        )),
    }
}

/// Creates the project; see [`super::new`].
pub(super) fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let Lang::Rust = args.lang;
    check_package_name(&args.name)?;
    let sdk = sdk_dir(args.sdk_path.as_deref())?;
    let files = project_files(&args.name, args.hook_type, &sdk)?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let root = args.dir.join(&args.name);
    write_new_dir(&root, &files)?;
    print_next_steps(&root, &args.name, args.hook_type);
    Ok(ExitCode::SUCCESS)
}

/// The files of a project, as (path inside the project, contents).
fn project_files(
    name: &str,
    hook_type: HookType,
    sdk: &Path,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let sdk = sdk
        .to_str()
        .with_context(|| format!("the SDK path {} is not UTF-8", sdk.display()))?;
    let request_type_flag = match hook_type {
        HookType::Registration => " --request-type progressive.profile",
        _ => "",
    };
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{crate_name}}", &crate_name(name))
            .replace("{{short}}", hook_type.short_name())
            .replace("{{event_type}}", hook_type.event_type())
            // A TOML basic string, quoted and escaped.
            .replace("{{sdk_path}}", &toml::Value::from(sdk).to_string())
            .replace("{{request_type_flag}}", request_type_flag)
    };
    Ok(vec![
        ("Cargo.toml", fill(CARGO_TOML)),
        ("src/lib.rs", handler(hook_type).to_owned()),
        (".gitignore", GITIGNORE.to_owned()),
        ("README.md", fill(README)),
    ])
}

/// The `lib.rs` of a handler for `hook_type`.
fn handler(hook_type: HookType) -> &'static str {
    match hook_type {
        HookType::Token => include_str!("templates/rust/token.rs"),
        HookType::Saml => include_str!("templates/rust/saml.rs"),
        HookType::Import => include_str!("templates/rust/import.rs"),
        HookType::Registration => include_str!("templates/rust/registration.rs"),
        HookType::PasswordImport => include_str!("templates/rust/password_import.rs"),
        HookType::Telephony => include_str!("templates/rust/telephony.rs"),
    }
}

/// The library's crate name, which names the `.wasm` file: the package
/// name with `-` as `_`.
fn crate_name(name: &str) -> String {
    name.replace('-', "_")
}

/// Keywords, and names Cargo refuses or that clash with the dependency,
/// the standard library or Windows device names.
const RESERVED: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "alloc",
    "core",
    "std",
    "proc_macro",
    "test",
    "build",
    "deps",
    "examples",
    "incremental",
    "hookwarden_guest",
    "con",
    "prn",
    "aux",
    "nul",
];

/// Checks `name` as a Cargo package name: 1 to 64 ASCII letters, digits,
/// `-` and `_`, starting with a letter, and not a reserved name.
fn check_package_name(name: &str) -> anyhow::Result<()> {
    let rule =
        "a package name is 1 to 64 ASCII letters, digits, `-` and `_`, starting with a letter";
    let Some(first) = name.chars().next() else {
        bail!("the name is empty; {rule}");
    };
    if name.len() > 64 || !first.is_ascii_alphabetic() {
        bail!("`{name}` is not a valid package name; {rule}");
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        bail!("`{name}` is not a valid package name: `{bad}` is not allowed; {rule}");
    }
    let normalized = crate_name(name).to_ascii_lowercase();
    let device = |prefix: &str| {
        normalized
            .strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
    };
    if RESERVED.contains(&normalized.as_str()) || device("com") || device("lpt") {
        bail!(
            "`{name}` is reserved (a Rust keyword or a name Cargo or the SDK uses); choose another name"
        );
    }
    Ok(())
}

/// The canonical SDK directory: `given`, or the repository's guest-sdk.
fn sdk_dir(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let hint = "pass --sdk-path with the guest-sdk directory of a Hookwarden checkout";
    let path = given.unwrap_or(Path::new(DEFAULT_SDK_PATH));
    let dir = path.canonicalize().with_context(|| {
        format!(
            "the hookwarden-guest SDK is not at {}; {hint}",
            path.display()
        )
    })?;
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| {
        format!(
            "{} has no Cargo.toml, so it is not the hookwarden-guest SDK; {hint}",
            dir.display()
        )
    })?;
    let package = package_name(&text)
        .with_context(|| format!("cannot read the package name in {}", manifest.display()))?;
    if package != SDK_PACKAGE {
        bail!(
            "{} is package `{package}`, not the {SDK_PACKAGE} SDK; {hint}",
            manifest.display()
        );
    }
    Ok(dir)
}

/// `package.name` of a Cargo manifest.
fn package_name(manifest: &str) -> anyhow::Result<String> {
    let value: toml::Table = manifest.parse()?;
    value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .context("no [package] name")
}

/// Creates `root`, which must not exist, and writes `files` into it; on
/// an error, removes what it created.
fn write_new_dir(root: &Path, files: &[(&str, String)]) -> anyhow::Result<()> {
    std::fs::create_dir(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
            "{} already exists; nothing was written (choose another name or --dir)",
            root.display()
        ),
        _ => anyhow::Error::new(e).context(format!("cannot create {}", root.display())),
    })?;
    let written = files.iter().try_for_each(|(relative, contents)| {
        let path = root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
    });
    if written.is_err() {
        // Only this call created `root`, so everything in it is ours.
        let _ = std::fs::remove_dir_all(root);
    }
    written
}

/// Tells the user how to build and try the new project.
fn print_next_steps(root: &Path, name: &str, hook_type: HookType) {
    let wasm = format!("target/wasm32-wasip2/release/{}.wasm", crate_name(name));
    println!(
        "Created {} (a {} hook in Rust). Build and try it:\n\n    cd {}\n    cargo build --release --target wasm32-wasip2\n    hookwarden invoke {wasm} --type {}",
        root.display(),
        hook_type.short_name(),
        root.display(),
        hook_type.short_name()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_follow_cargo() {
        for ok in ["a", "my-hook", "my_hook2", "Hook"] {
            check_package_name(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "1hook",
            "-x",
            "_x",
            "my hook",
            "hook!",
            "héllo",
            "fn",
            "self",
            "test",
            "std",
            "com1",
            "hookwarden-guest",
            long.as_str(),
        ] {
            assert!(check_package_name(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(check_package_name("com10").is_ok());
    }

    #[test]
    fn the_default_sdk_is_found_and_canonical() {
        let dir = sdk_dir(None).unwrap();
        assert!(dir.is_absolute());
        assert!(!dir.to_string_lossy().contains(".."), "{}", dir.display());
        assert!(dir.join("Cargo.toml").is_file());
    }

    #[test]
    fn an_sdk_path_without_the_sdk_is_refused() {
        let empty = tempfile::tempdir().unwrap();
        let e = format!("{:#}", sdk_dir(Some(empty.path())).unwrap_err());
        assert!(e.contains("has no Cargo.toml"), "{e}");
        let host = Path::new(env!("CARGO_MANIFEST_DIR"));
        let e = format!("{:#}", sdk_dir(Some(host)).unwrap_err());
        assert!(e.contains("is package `hookwarden`"), "{e}");
    }

    #[test]
    fn every_placeholder_is_filled() {
        let sdk = Path::new("/opt/sdk \"quoted\"");
        for t in HookType::ALL {
            for (path, contents) in project_files("my-hook", t, sdk).unwrap() {
                assert!(!contents.contains("{{"), "{path} for {t}: {contents}");
            }
        }
        let files = project_files("my-hook", HookType::Token, sdk).unwrap();
        let manifest: toml::Table = files[0].1.parse().unwrap();
        assert_eq!(
            manifest["dependencies"]["hookwarden-guest"]["path"].as_str(),
            Some("/opt/sdk \"quoted\"")
        );
        assert_eq!(manifest["package"]["name"].as_str(), Some("my-hook"));
        assert!(files[3].1.contains("release/my_hook.wasm --type token"));
    }

    #[test]
    fn an_existing_directory_is_left_alone() {
        let parent = tempfile::tempdir().unwrap();
        let root = parent.path().join("p");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("keep"), "mine").unwrap();
        let e = write_new_dir(&root, &[("Cargo.toml", String::new())]).unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(root.join("keep")).unwrap(), "mine");
        assert!(!root.join("Cargo.toml").exists());
    }

    #[test]
    fn other_languages_are_pointed_at_the_wit_contract() {
        assert_eq!(parse_lang("rust"), Ok(Lang::Rust));
        let e = parse_lang("javascript").unwrap_err();
        assert!(e.contains("wit/hook-handler.wit"), "{e}");
    }
}
