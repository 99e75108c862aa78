"""`python -m actions`: the Rasa action server, bound to 127.0.0.1, with `/healthz`."""

from actions.server import main

if __name__ == "__main__":
    main()
