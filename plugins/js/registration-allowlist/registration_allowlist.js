// Registration hook: lets people register (or change their email in
// progressive profiling) only with an email address at an allowed domain.
// The JavaScript port of plugins/registration-allowlist (Rust): the same
// settings, answers and log lines.
//
// Settings:
//   allowed_domains (required)  comma-separated domains, e.g.
//       "example.com, *.example.org". Entries are trimmed and compared
//       case-insensitively; *.example.org allows any subdomain of
//       example.org but not example.org itself. Without this setting every
//       registration is denied and an error is logged.
//   message  what the end user is told when denied; default
//       "Registration is not open for this email domain."
//   omit_summary  "true" leaves errorSummary out of the error (Okta
//       documents it as optional; the registration still fails and the
//       widget shows the cause). Any other value, or none, keeps it.
//   omit_cause_summary  "true" leaves errorSummary out of the cause as
//       well (Okta documents every member of a cause as optional). Any
//       other value, or none, keeps it.
//   location_type  the cause's locationType; default "body". Okta sets no
//       technical restriction on it, so any string is sent.
//
// Self-service registration (requestType self.service.registration, or
// none on Classic Engine) checks data.userProfile.email; a missing email
// or one without @ is denied. Progressive profiling checks
// data.userProfileUpdate.email only if the user is changing it.
//
// Allowed: com.okta.action.update {"registration": "ALLOW"}. Denied:
// {"registration": "DENY"} and an error whose cause (reason
// INVALID_EMAIL_DOMAIN) points the Sign-In Widget at the email field.

import {
  ResponseBuilder, asciiLowercase, errorCause, hookError, log, registrationData, registrationKind,
  settings, trimWhiteSpace,
} from '../hookwarden.js';

/** The end-user message when `message` is not set. */
const DEFAULT_MESSAGE = 'Registration is not open for this email domain.';

/**
 * The lower-cased domain of `email`, if it has a non-empty local part and
 * domain.
 * @param {string} email
 * @returns {string | undefined}
 */
export function domainOf(email) {
  const trimmed = trimWhiteSpace(email);
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return undefined;
  const local = trimmed.slice(0, at);
  const domain = asciiLowercase(trimmed.slice(at + 1));
  return local !== '' && domain !== '' ? domain : undefined;
}

/**
 * Whether `domain` matches an entry of the comma-separated `allowed` list.
 * @param {string} domain
 * @param {string} allowed
 * @returns {boolean}
 */
export function isAllowed(domain, allowed) {
  return allowed
    .split(',')
    .map((entry) => asciiLowercase(trimWhiteSpace(entry)))
    .filter((entry) => entry !== '')
    .some((entry) => {
      if (entry.startsWith('*.')) {
        const parent = entry.slice(2);
        if (!domain.endsWith(parent)) return false;
        const sub = domain.slice(0, domain.length - parent.length);
        return sub.length > 1 && sub.endsWith('.');
      }
      return domain === entry;
    });
}

/**
 * @param {import('../hookwarden.js').Request} request
 * @returns {import('../hookwarden.js').Response}
 */
export function handle(request) {
  const data = registrationData(request);
  const response = new ResponseBuilder();
  let email;
  let location;
  if (registrationKind(request) === 'self-service') {
    email = data.userProfile?.get('email');
    location = 'data.userProfile.email';
  } else {
    email = data.userProfileUpdate?.get('email');
    if (email === undefined || email === null) {
      log.info('ALLOW: the profile update does not change the email');
      return response.allowRegistration().build();
    }
    location = 'data.userProfileUpdate.email';
  }
  const domain = typeof email === 'string' ? domainOf(email) : undefined;
  const list = settings.get('allowed_domains');
  let allowed;
  if (list === undefined) {
    log.error('the setting `allowed_domains` is missing: denying every registration');
    allowed = false;
  } else {
    allowed = domain !== undefined && isAllowed(domain, list);
  }
  if (allowed) {
    log.info('ALLOW: the email domain is allowed');
    response.allowRegistration();
  } else {
    log.info('DENY: the email domain is not allowed (or there is no valid email)');
    const message = settings.getOr('message', DEFAULT_MESSAGE);
    const causeSummary = settings.get('omit_cause_summary') === 'true' ? undefined : message;
    const cause = errorCause(causeSummary, {
      reason: 'INVALID_EMAIL_DOMAIN', locationType: settings.getOr('location_type', 'body'), location, domain: 'end-user',
    });
    const summary = settings.get('omit_summary') === 'true' ? undefined : message;
    response.denyRegistrationWith(hookError(summary, [cause]));
  }
  return response.build();
}
