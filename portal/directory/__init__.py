"""Directory: an opt-in list of participants and alumni, and messages through the portal."""
