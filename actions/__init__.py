"""The Rasa action server: one module per action or form validator (see docs/ARCHITECTURE.md)."""
