//! A Hookwarden user-import hook (`com.okta.import.transform`): creates a
//! new Okta user for every imported user.
//!
//! When Okta matched an existing user (`data.user.id` is set), answer
//! `response.link_user(id)` instead to link the two.

use hookwarden_guest::{Handler, Request, Response, Result, log};

/// The handler.
struct Hook;

impl Handler for Hook {
    fn handle(request: Request) -> Result<Response> {
        let data = request.import_data()?;
        let app = data
            .context
            .application
            .and_then(|app| app.label)
            .unwrap_or_else(|| "an app".into());
        let mut response = Response::new();
        response.create_user();
        // Log decisions, not profile values: they are personal data.
        log::info(format!("CREATE_USER for a user imported from {app}"));
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Hook);
