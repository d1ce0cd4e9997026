"""The session store and its audit log. No Textual here."""
