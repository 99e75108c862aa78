"""The assistant's own rules in pure Python, shared by the actions, the webhook and the backend."""
