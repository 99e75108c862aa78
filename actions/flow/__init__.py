"""The flow controller's stages, one module each, in the order `action_next_step` runs them.

Each stage reads what is known (slots), makes its backend call when it has what it needs, and maps
the backend's outcome through a table (`actions.flow.base.Outcome`): what to say, which slots to
set or empty, which screen (`flow_step`) comes next. A stage that has nothing to do lets the next
one run.
"""
