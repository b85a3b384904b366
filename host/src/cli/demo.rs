//! `hookwarden demo`: a server with the example plugins registered, for a first run.
//!
//! Registers the four example plugins (built with the host) as hooks, writes
//! a realistic Okta request for each, prints a ready-to-paste `curl` command
//! per hook, and serves until Ctrl-C.

use super::serve::{Bound, init_tracing};
use crate::admin_token::AdminToken;
use crate::app::App;
use crate::config::{Config, DEFAULT_LISTEN, LogFormat, Settings};
use crate::example_plugins;
use crate::hook_type::HookType;
use crate::limits::LimitOverrides;
use crate::policy::FailurePolicy;
use crate::registry::{HookSpec, Registry};
use crate::samples;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// The auth header value every demo hook expects (`demo:demo`).
pub(crate) const DEMO_SECRET: &str = "Basic ZGVtbzpkZW1v";

/// Options of `hookwarden demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Keep the demo's state here instead of in a fresh temporary directory
    /// (removed at exit).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// One demo hook: what it shows and how it is set up.
struct DemoHook {
    title: &'static str,
    plugin: &'static str,
    hook_type: HookType,
    settings: &'static [(&'static str, &'static str)],
}

const HOOKS: [DemoHook; 4] = [
    DemoHook {
        title: "Token hook: adds display_name to the access token and locale_tag to the ID token",
        plugin: "token_claims",
        hook_type: HookType::Token,
        settings: &[
            ("access.display_name", "{firstName} {lastName}"),
            ("identity.locale_tag", "{locale}"),
        ],
    },
    DemoHook {
        title: "SAML hook: adds a fullName attribute to the assertion",
        plugin: "saml_attributes",
        hook_type: HookType::Saml,
        settings: &[("attribute.fullName", "{firstName} {lastName}")],
    },
    DemoHook {
        title: "Import hook: links the imported user to the Okta user with the same email",
        plugin: "import_link",
        hook_type: HookType::Import,
        settings: &[("match_attribute", "email")],
    },
    DemoHook {
        title: "Registration hook: allows sign-up only for example.com addresses (edit the email to see a denial)",
        plugin: "registration_allowlist",
        hook_type: HookType::Registration,
        settings: &[("allowed_domains", "example.com")],
    },
];

fn random_token() -> String {
    crate::ids::random("hw_demo_", 32)
}

/// Registers the demo hooks (unless the data directory already has hooks)
/// and returns, for each, its title, id and the request file to send.
async fn register(
    registry: &Registry,
    requests_dir: &std::path::Path,
) -> anyhow::Result<Vec<(&'static str, String, PathBuf)>> {
    std::fs::create_dir_all(requests_dir)?;
    let existing = registry.hooks();
    let mut shown = Vec::new();
    for demo in &HOOKS {
        let request = requests_dir.join(format!("{}.json", demo.hook_type.short_name()));
        std::fs::write(&request, samples::request(demo.hook_type))?;
        let id = match existing
            .iter()
            .find(|h| h.record.hook_type == demo.hook_type)
        {
            Some(hook) => hook.record.id.clone(),
            None => {
                let plugin = registry
                    .add_plugin(example_plugins::bytes(demo.plugin)?)
                    .await?;
                let spec = HookSpec {
                    name: format!("{} (demo)", demo.plugin),
                    version: "1.0.0".into(),
                    hook_type: demo.hook_type,
                    plugin_id: plugin.id,
                    settings: demo
                        .settings
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                    limits: LimitOverrides::default(),
                    failure_policy: FailurePolicy::default(),
                    auth_key: "Authorization".into(),
                    auth_secret: Some(DEMO_SECRET.into()),
                    record_bodies: false,
                };
                registry.create_hook(spec).await?.id
            }
        };
        shown.push((demo.title, id, request));
    }
    Ok(shown)
}

/// Runs the demo until Ctrl-C.
///
/// # Errors
///
/// The example plugins were not built, the port is in use, or the data
/// directory cannot be used.
pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    init_tracing(LogFormat::Text, None);
    // A fresh temporary directory unless told otherwise; removed at exit.
    let (data_dir, _temporary) = match args.data_dir {
        Some(dir) => (dir, None),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("hookwarden-demo-")
                .tempdir()?;
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    let token = random_token();
    let settings = Settings {
        listen: args.listen,
        data_dir: data_dir.clone(),
        ..Config::default().resolve()?
    };
    let server = settings.server_config();
    let app = App::open(
        settings.registry_config(crate::runtime::Compiler::current_exe()?),
        &server,
    )
    .await?;
    let hooks = register(&app.registry, &data_dir.join("requests")).await?;
    let bound = Bound::bind(&settings, &app, server, AdminToken::new(&token)?).await?;
    drop(app);
    let url = bound.local_url.clone();

    println!(
        "Hookwarden demo: {} example hooks; data in {}; Ctrl-C to stop",
        hooks.len(),
        data_dir.display()
    );
    println!("Admin API token for this run: {token}");
    println!("  curl -s -H 'Authorization: SSWS {token}' {url}/api/v1/inlineHooks");
    println!();
    for (title, id, request) in &hooks {
        println!("# {title}");
        println!(
            "curl -s -H 'Authorization: {DEMO_SECRET}' -H 'Content-Type: application/json' --data @{} {url}/hooks/{id}",
            request.display()
        );
        println!();
    }
    println!("listening on {url}");
    bound.serve_until_signal().await?;
    Ok(ExitCode::SUCCESS)
}
