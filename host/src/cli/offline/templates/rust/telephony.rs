//! A Hookwarden telephony hook (`com.okta.telephony.provider`): a starting
//! point that delivers nothing yet.
//!
//! Okta asks the hook to deliver a one-time passcode by SMS or voice call.
//! The sandbox has no network, so the handler cannot call a provider
//! itself; it answers with the result of the delivery.

use hookwarden_guest::{Handler, Request, Response, Result, TelephonyResult, TelephonyStatus, log};

/// The handler.
struct Hook;

impl Handler for Hook {
    fn handle(request: Request) -> Result<Response> {
        let data = request.telephony_data()?;
        let channel = data.message_profile.delivery_channel.unwrap_or_default();
        let mut response = Response::new();
        // FAILED tells Okta that the passcode was not delivered. Replace it
        // with SUCCESSFUL or PENDING (and the provider's transaction id) once
        // the delivery is handed to a real provider. Never log the passcode.
        response.telephony_result(
            TelephonyResult::new(TelephonyStatus::Failed).with_provider("not configured"),
        );
        log::warn(format!("no provider configured: {channel} delivery FAILED"));
        Ok(response)
    }
}

hookwarden_guest::export_handler!(Hook);
