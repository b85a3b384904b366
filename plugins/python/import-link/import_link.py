"""User-import hook: links an imported user to the Okta user Okta matched,
but only when a chosen attribute really agrees; otherwise creates a new
user.

The Python twin of plugins/import-link (Rust): same settings, same answers,
same log lines.

Settings:

* ``match_attribute``: the profile attribute to compare; default ``email``.

If ``data.user`` has an ``id`` and ``data.appUser.profile.<attr>`` equals
``data.user.profile.<attr>`` (both strings, compared trimmed and
case-insensitively), the answer is ``LINK_USER`` with that user id;
otherwise ``CREATE_USER``. An app user without the attribute (or with an
empty or non-string value) gets ``CREATE_USER`` and a warning. The decision
is logged with the attribute's name, never its values.
"""

from typing import Optional

import hookwarden
from hookwarden import Request, ResponseBuilder, log, settings


def normalize(value: Optional[str]) -> Optional[str]:
    """The form in which values are compared (``None`` stays ``None``)."""
    return None if value is None else hookwarden.lowercase(hookwarden.trim(value))


def handle(request: Request) -> ResponseBuilder:
    data = hookwarden.import_data(request)
    attribute = settings.get_or("match_attribute", "email")
    response = ResponseBuilder()
    app_value = normalize(hookwarden.get_str(data.app_user.profile, attribute))
    if not app_value:
        log.warn(f"CREATE_USER: the app user has no `{attribute}` to match on")
        return response.create_user()
    user_value = normalize(hookwarden.get_str(data.user.profile, attribute))
    if data.user.id is None:
        log.info("CREATE_USER: Okta matched no existing user")
        response.create_user()
    elif user_value == app_value:
        log.info(f"LINK_USER: `{attribute}` matches the Okta user")
        response.link_user(data.user.id)
    else:
        log.info(f"CREATE_USER: `{attribute}` differs from the matched Okta user's")
        response.create_user()
    return response


WitWorld = hookwarden.export(handle)
