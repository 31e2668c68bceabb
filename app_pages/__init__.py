"""The app's views, one module each (see app.py for what a page module holds)."""
