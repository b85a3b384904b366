//! User-import hook (`com.okta.import.transform`).

use super::{Profile, null_as_default};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `data` of a user-import hook: one user of an app import, after Okta's
/// mappings and matching, before the Okta user is created or linked.
///
/// Answer with [`Response::create_user`](crate::Response::create_user) or
/// [`Response::link_user`](crate::Response::link_user), and change
/// attributes with
/// [`Response::update_app_user_profile`](crate::Response::update_app_user_profile)
/// and [`Response::update_user_profile`](crate::Response::update_user_profile).
///
/// # Example
///
/// ```rust,standalone_crate
/// use hookwarden_guest::{Handler, Request, Response, Result, log};
/// use serde_json::json;
///
/// /// Never links; tags every imported user with the source app's label.
/// struct Tag;
///
/// impl Handler for Tag {
///     fn handle(request: Request) -> Result<Response> {
///         let data = request.import_data()?;
///         let label = data.context.application.and_then(|a| a.label).unwrap_or_default();
///         let mut response = Response::new();
///         response.create_user();
///         response.update_user_profile(json!({"importedFrom": label}))?;
///         log::info("tagged an imported user");
///         Ok(response)
///     }
/// }
///
/// hookwarden_guest::export_handler!(Tag);
/// # let request = Request::from_json(r#"{"eventType": "com.okta.import.transform", "eventId": "e1",
/// #   "data": {"context": {"application": {"label": "HR"}}, "appUser": {"profile": {}}, "user": {"profile": {}}}}"#).unwrap();
/// # let run = hookwarden_guest::testing::run::<Tag>(request, &[]);
/// # assert_eq!(run.okta_json(), json!({"commands": [
/// #   {"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}},
/// #   {"type": "com.okta.user.profile.update", "value": {"importedFrom": "HR"}}]}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ImportData {
    /// What the hook cannot change: the app, the job, matching results.
    pub context: ImportContext,
    /// What Okta will do by default.
    pub action: Option<ImportAction>,
    /// The user as the app sees it.
    pub app_user: AppUser,
    /// The Okta user to create, or the matched one (then with an `id`).
    pub user: ImportUser,
}

/// `data.context` of an import hook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportContext {
    /// Names of attributes in conflict.
    #[serde(deserialize_with = "null_as_default")]
    pub conflicts: Vec<String>,
    /// The app being imported from.
    pub application: Option<Application>,
    /// The import job.
    pub job: Option<ImportJob>,
    /// Matching results, as JSON (shape not documented by Okta).
    #[serde(deserialize_with = "null_as_default")]
    pub matches: Vec<Value>,
    /// Matching rules in force, e.g. `["EMAIL", "FIRST_AND_LAST_NAME"]`.
    #[serde(deserialize_with = "null_as_default")]
    pub policy: Vec<String>,
}

/// `context.application`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Application {
    /// App name (its integration name).
    pub name: Option<String>,
    /// App id.
    pub id: Option<String>,
    /// App label as shown to admins.
    pub label: Option<String>,
    /// `ACTIVE` or `INACTIVE`.
    pub status: Option<String>,
}

/// `context.job`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportJob {
    /// Job id.
    pub id: Option<String>,
    /// `import:users`.
    #[serde(rename = "type")]
    pub job_type: Option<String>,
}

/// `data.action`: Okta's default decision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportAction {
    /// `CREATE_USER` or `LINK_USER`.
    pub result: Option<String>,
}

/// `data.appUser`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppUser {
    /// App-user profile attributes.
    pub profile: Profile,
}

/// `data.user`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportUser {
    /// The matched Okta user's id; present only when Okta found a match.
    pub id: Option<String>,
    /// Okta user profile attributes.
    pub profile: Profile,
}
