"""Registration hook: lets people register (or change their email in
progressive profiling) only with an email address at an allowed domain.

The Python twin of plugins/registration-allowlist (Rust): same settings,
same answers, same log lines.

Settings:

* ``allowed_domains`` (required): comma-separated domains, e.g.
  ``example.com, *.example.org``. Entries are trimmed and compared
  case-insensitively (ASCII); ``*.example.org`` allows any subdomain of
  example.org but not example.org itself. Without this setting every
  registration is denied and an error is logged.
* ``message``: what the end user is told when denied; default
  ``Registration is not open for this email domain.``
* ``omit_summary``: ``true`` leaves ``errorSummary`` out of the error (Okta
  documents it as optional; the registration still fails and the widget
  shows the cause). Any other value, or none, keeps it.
* ``omit_cause_summary``: ``true`` leaves ``errorSummary`` out of the cause
  as well (Okta documents every member of a cause as optional). Any other
  value, or none, keeps it.
* ``location_type``: the cause's ``locationType``; default ``body``. Okta
  sets no technical restriction on it, so any string is sent.

Self-service registration (``requestType`` ``self.service.registration``,
or none on Classic Engine) checks ``data.userProfile.email``; a missing
email or one without ``@`` is denied. Progressive profiling checks
``data.userProfileUpdate.email`` only if the user is changing it.

Allowed: ``com.okta.action.update {"registration": "ALLOW"}``. Denied:
``{"registration": "DENY"}`` and an error whose cause (reason
``INVALID_EMAIL_DOMAIN``) points the Sign-In Widget at the email field.
"""

from typing import Optional

import hookwarden
from hookwarden import RegistrationKind, Request, ResponseBuilder, log, settings

#: The end-user message when ``message`` is not set.
DEFAULT_MESSAGE = "Registration is not open for this email domain."


def domain_of(email: str) -> Optional[str]:
    """The lower-cased domain of ``email``, if it has a non-empty local part
    and domain."""
    local, at, domain = hookwarden.trim(email).rpartition("@")
    if not at:
        return None
    domain = hookwarden.ascii_lowercase(domain)
    return domain if local and domain else None


def is_allowed(domain: str, allowed: str) -> bool:
    """Whether ``domain`` matches an entry of the comma-separated ``allowed`` list."""
    for entry in allowed.split(","):
        entry = hookwarden.ascii_lowercase(hookwarden.trim(entry))
        if not entry:
            continue
        if entry.startswith("*."):
            parent = entry[2:]
            if domain.endswith(parent):
                sub = domain[: len(domain) - len(parent)]
                if len(sub) > 1 and sub.endswith("."):
                    return True
        elif domain == entry:
            return True
    return False


def handle(request: Request) -> ResponseBuilder:
    data = hookwarden.registration_data(request)
    response = ResponseBuilder()
    if hookwarden.registration_kind(request) is RegistrationKind.SELF_SERVICE:
        profile = data.user_profile
        email = None if profile is None else profile.get("email")
        location = "data.userProfile.email"
    else:
        update = data.user_profile_update
        email = None if update is None else update.get("email")
        if email is None:  # absent or JSON null
            log.info("ALLOW: the profile update does not change the email")
            return response.allow_registration()
        location = "data.userProfileUpdate.email"
    domain = domain_of(email) if isinstance(email, str) else None
    allowed_domains = settings.get("allowed_domains")
    if allowed_domains is None:
        log.error("the setting `allowed_domains` is missing: denying every registration")
        allowed = False
    else:
        allowed = domain is not None and is_allowed(domain, allowed_domains)
    if allowed:
        log.info("ALLOW: the email domain is allowed")
        response.allow_registration()
    else:
        log.info("DENY: the email domain is not allowed (or there is no valid email)")
        message = settings.get_or("message", DEFAULT_MESSAGE)
        cause_summary = None if settings.get("omit_cause_summary") == "true" else message
        cause = hookwarden.error_cause(
            cause_summary, reason="INVALID_EMAIL_DOMAIN",
            location_type=settings.get_or("location_type", "body"),
            location=location, domain="end-user")
        summary = None if settings.get("omit_summary") == "true" else message
        response.deny_registration_with(hookwarden.hook_error(summary, [cause]))
    return response


WitWorld = hookwarden.export(handle)
