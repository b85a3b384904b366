//! `hookwarden sample`: the sample requests of [`crate::samples`], with a fresh `eventId` and `eventTime`.

use crate::clock::now_timestamp;
use crate::hook_type::HookType;
use crate::samples;
use anyhow::{Context, bail};
use rand::Rng;
use serde_json::Value;
use std::process::ExitCode;

/// Options of `hookwarden sample`.
#[derive(clap::Args)]
pub struct SampleArgs {
    /// The hook type: token, saml, import, registration, password-import,
    /// telephony, or Okta's event type (e.g. com.okta.oauth2.tokens.transform).
    #[arg(value_name = "TYPE", value_parser = super::parse_hook_type)]
    pub hook_type: HookType,
    /// Which sample, by Okta's `requestType`, for a type that has several:
    /// registration has `self.service.registration` (the default) and
    /// `progressive.profile`.
    #[arg(long, value_name = "REQUEST_TYPE")]
    pub request_type: Option<String>,
}

/// Prints the sample.
pub(super) fn run(args: SampleArgs) -> anyhow::Result<ExitCode> {
    println!(
        "{}",
        fresh_request(args.hook_type, args.request_type.as_deref())?
    );
    Ok(ExitCode::SUCCESS)
}

/// The sample request for `hook_type` (the one of `request_type` if given)
/// as pretty JSON, with a new random `eventId` and the current `eventTime`;
/// everything else is the sample's.
///
/// # Errors
///
/// When no sample of `hook_type` has that `requestType`.
pub(super) fn fresh_request(
    hook_type: HookType,
    request_type: Option<&str>,
) -> anyhow::Result<String> {
    let mut request = pick(hook_type, request_type)?;
    let object = request
        .as_object_mut()
        .context("a sample request is not a JSON object")?;
    object.insert("eventId".into(), Value::String(new_event_id()));
    object.insert("eventTime".into(), Value::String(now_timestamp()));
    Ok(serde_json::to_string_pretty(&request)?)
}

/// The sample of `hook_type` whose `requestType` is `wanted` (the default
/// sample when `None`), parsed.
fn pick(hook_type: HookType, wanted: Option<&str>) -> anyhow::Result<Value> {
    if let Some(text) = samples::with_request_type(hook_type, wanted) {
        return serde_json::from_str(text).context("a sample request is not JSON");
    }
    let available: Vec<String> = samples::all(hook_type)
        .iter()
        .filter_map(|text| samples::request_type(text))
        .collect();
    let short = hook_type.short_name();
    if available.is_empty() {
        bail!("the {short} sample has no requestType; leave out --request-type");
    }
    bail!(
        "no {short} sample has requestType `{}`; available: {}",
        wanted.unwrap_or_default(),
        available.join(", ")
    )
}

/// A random event id shaped like Okta's: 22 characters of the URL-safe
/// base64 alphabet (16 random bytes).
fn new_event_id() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    (0..22)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Envelope;

    fn without_id_and_time(mut v: Value) -> Value {
        let o = v.as_object_mut().unwrap();
        o.remove("eventId");
        o.remove("eventTime");
        v
    }

    #[test]
    fn a_fresh_request_differs_from_its_sample_only_in_id_and_time() {
        for t in HookType::ALL {
            let fresh = fresh_request(t, None).unwrap();
            Envelope::parse(fresh.as_bytes(), t).unwrap();
            let fresh: Value = serde_json::from_str(&fresh).unwrap();
            let sample: Value = serde_json::from_str(samples::request(t)).unwrap();
            assert_ne!(fresh["eventId"], sample["eventId"], "{t}");
            assert_ne!(fresh["eventTime"], sample["eventTime"], "{t}");
            assert_eq!(without_id_and_time(fresh), without_id_and_time(sample));
        }
    }

    #[test]
    fn the_sample_text_is_kept_apart_from_id_and_time() {
        // Same member order and layout as the file, so the printed sample
        // reads like the documented one.
        let fresh = fresh_request(HookType::Token, None).unwrap();
        let kept: Vec<_> = fresh
            .lines()
            .filter(|l| !l.contains("\"eventId\"") && !l.contains("\"eventTime\""))
            .collect();
        let original: Vec<_> = samples::TOKEN
            .trim_end()
            .lines()
            .filter(|l| !l.contains("\"eventId\"") && !l.contains("\"eventTime\""))
            .collect();
        assert_eq!(kept, original);
    }

    #[test]
    fn registration_has_a_progressive_profile_sample() {
        let fresh = fresh_request(HookType::Registration, Some("progressive.profile")).unwrap();
        let v: Value = serde_json::from_str(&fresh).unwrap();
        assert_eq!(v["requestType"], "progressive.profile");
        let default = fresh_request(HookType::Registration, None).unwrap();
        let v: Value = serde_json::from_str(&default).unwrap();
        assert_eq!(v["requestType"], "self.service.registration");
    }

    #[test]
    fn an_unknown_request_type_names_the_available_ones() {
        let e = fresh_request(HookType::Registration, Some("progressive"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("self.service.registration, progressive.profile"),
            "{e}"
        );
        let e = fresh_request(HookType::Token, Some("progressive.profile"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no requestType"), "{e}");
    }

    #[test]
    fn event_ids_are_okta_shaped_and_fresh() {
        let (a, b) = (new_event_id(), new_event_id());
        assert_eq!(a.len(), 22);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
    }
}
