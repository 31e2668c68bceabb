"""The language switch of the app: English or Ukrainian, kept in the session and in the link (``?lang=uk``)."""

from __future__ import annotations

import streamlit as st

from borderline.i18n import LANGUAGE_NAMES, LANGUAGES, _
from borderline.ui import session


def language_switch(container=None) -> str:
    """Draw the switch (in ``container``, by default the sidebar) and return the language code in use.

    The change takes effect on the rerun the switch triggers: its callback sets the session's language
    before the page is drawn again, so every label of that run is in the new language.
    """
    where = container if container is not None else st.sidebar
    where.segmented_control(_("Language"), list(LANGUAGES), format_func=LANGUAGE_NAMES.get,
                            selection_mode="single", **session.bound_language())
    return session.apply_language()
