"""Helpers of the Streamlit app (app.py and app_pages/): state and URL, the editor form, the catalog, page parts.

``page``, ``panels``, ``session`` and ``sidebar`` use Streamlit (session state only
through ``session``); ``catalog``, ``editor``, ``state``, ``tables`` and ``text``
are plain Python, so they can be tested without a page.
"""
