"""Helpers of the Streamlit app (app.py): state and URL, the editor form, the map view.

Only ``borderline.ui.page`` and ``borderline.ui.mapview`` import Streamlit; the
rest is plain Python so it can be tested without a page.
"""
