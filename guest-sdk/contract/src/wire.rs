//! The names Okta gives things on the wire: command `type`s, the values of
//! its enumerations, `requestType`s and the token-lifetime path.
//!
//! Every other module spells these through the constants here, so a name
//! is written once for the host and the guest SDK alike.

/// `com.okta.identity.patch`: a patch of the ID token (token hooks).
pub const IDENTITY_PATCH: &str = "com.okta.identity.patch";
/// `com.okta.access.patch`: a patch of the access token (token hooks).
pub const ACCESS_PATCH: &str = "com.okta.access.patch";
/// `com.okta.assertion.patch`: a patch of the SAML assertion (SAML hooks).
pub const ASSERTION_PATCH: &str = "com.okta.assertion.patch";
/// `com.okta.appUser.profile.update`: app-user profile attributes (import
/// hooks).
pub const APP_USER_PROFILE_UPDATE: &str = "com.okta.appUser.profile.update";
/// `com.okta.user.profile.update`: Okta user profile attributes (import and
/// self-service registration hooks).
pub const USER_PROFILE_UPDATE: &str = "com.okta.user.profile.update";
/// `com.okta.user.progressive.profile.update`: profile attributes during
/// progressive profiling (registration hooks).
pub const PROGRESSIVE_PROFILE_UPDATE: &str = "com.okta.user.progressive.profile.update";
/// `com.okta.action.update`: the one command name shared by three hook
/// types, each with its own value shape: import `{result}`, registration
/// `{registration}`, password import `{credential}`.
pub const ACTION_UPDATE: &str = "com.okta.action.update";
/// `com.okta.user.update`: the existing user an import links to (`{id}`).
pub const USER_UPDATE: &str = "com.okta.user.update";
/// `com.okta.telephony.action`: delivery results (telephony hooks).
pub const TELEPHONY_ACTION: &str = "com.okta.telephony.action";

/// Import `result`: create a new Okta user.
pub const CREATE_USER: &str = "CREATE_USER";
/// Import `result`: link to an existing Okta user.
pub const LINK_USER: &str = "LINK_USER";
/// Registration `registration`: allow (Okta's default).
pub const ALLOW: &str = "ALLOW";
/// Registration `registration`: deny.
pub const DENY: &str = "DENY";
/// Password import `credential`: the password is right.
pub const VERIFIED: &str = "VERIFIED";
/// Password import `credential`: the password is wrong.
pub const UNVERIFIED: &str = "UNVERIFIED";
/// Telephony `status`: delivered.
pub const SUCCESSFUL: &str = "SUCCESSFUL";
/// Telephony `status`: accepted, not yet delivered.
pub const PENDING: &str = "PENDING";
/// Telephony `status`: not delivered.
pub const FAILED: &str = "FAILED";

/// Patch `op` `add`.
pub const ADD: &str = "add";
/// Patch `op` `replace`.
pub const REPLACE: &str = "replace";
/// Patch `op` `remove`.
pub const REMOVE: &str = "remove";

/// Registration `requestType` of self-service registration (Identity
/// Engine; Classic Engine sends no `requestType`).
pub const SELF_SERVICE_REGISTRATION: &str = "self.service.registration";
/// Registration `requestType` of progressive profiling.
pub const PROGRESSIVE_PROFILE: &str = "progressive.profile";

/// The patch path of a token's lifetime, `/token/lifetime/expiration`.
pub const LIFETIME_PATH: &str = "/token/lifetime/expiration";
