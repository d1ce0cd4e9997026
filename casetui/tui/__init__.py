"""The Textual wizard: one screen per step; the logic lives in casetui.workflow."""
