"""Extensions loaded by the Rasa server itself (by class path, from endpoints.yml)."""
